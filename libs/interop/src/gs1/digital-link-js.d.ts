/**
 * The part of digital-link.js 1.4.3 (CommonJS, no bundled types) Kierto uses: the grammar rules of
 * GS1_Digital_Link_Grammar_1_2.abnf, compiled by the package with apg-js.
 */
declare module 'digital-link.js' {
  interface DigitalLinkInstance {
    isValid(): boolean;
    getDomain(): string;
  }
  const digitalLink: {
    DigitalLink(input: string): DigitalLinkInstance;
    Utils: {
      readonly Rules: Readonly<Record<string, string>>;
      testRule(rule: string, value: string): boolean;
    };
  };
  export default digitalLink;
}
