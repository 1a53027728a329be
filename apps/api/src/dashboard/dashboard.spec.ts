import { describe, expect, it } from '@jest/globals';
import { collectionRateChart, recoveryRatesChart } from './dashboard-charts.js';
import { parseFactsParameters, parseFilters } from './dashboard-filters.js';

describe('the dashboard’s charts', () => {
  const charts = [
    collectionRateChart(
      [
        { year: 2021, rate: null, target: 65 },
        { year: 2022, rate: 54.8, target: 65 },
      ],
      'Rates <script>alert(1)</script> & targets',
      'fi-FI',
    ).markup,
    recoveryRatesChart(
      [
        { category: 1, series: 'recovery', rate: 87.5, target: 85 },
        { category: 1, series: 'second', rate: 80, target: 80 },
      ],
      'Annex V',
      { recovery: 'Recovery', second: 'Second' },
      'Target',
      'en-GB',
    ).markup,
  ];

  it.each(charts)('hold nothing the CSP refuses: no style element or attribute, no class, no script', (chart) => {
    expect(chart).toMatch(/^<figure><svg /);
    expect(chart).not.toMatch(/<style|style=|class="plot|<script/);
  });

  it('are one named image each, with no other label inside (ARIA allows none on a group)', () => {
    for (const chart of charts) {
      const svg = chart.slice(0, chart.indexOf('</svg>'));
      expect(svg.match(/aria-label=/g)).toHaveLength(1);
      expect(svg).toMatch(/^<figure><svg [^>]*role="img"/);
    }
  });

  it('escape the name they are given', () => {
    expect(charts[0]).toContain('aria-label="Rates &lt;script&gt;alert(1)&lt;/script&gt; &amp; targets"');
    expect(charts[0]).toContain('<figcaption>Rates &lt;script&gt;alert(1)&lt;/script&gt; &amp; targets</figcaption>');
  });
});

describe('the dashboard’s filters', () => {
  it('take an empty field as not filtered and the year from the default when the form was not sent', async () => {
    const parsed = await parseFilters({ country: '', category: '', market: '', producerId: '  ' }, 2025);
    expect(parsed.query).toEqual({
      year: 2025,
      country: undefined,
      category: undefined,
      market: undefined,
      producerId: undefined,
      organisationId: undefined,
    });
    expect(parsed.entered.year).toBe('2025');
  });

  it('read values as the API does: numbers, Eurostat’s EL as GR', async () => {
    const parsed = await parseFilters(
      { year: '2024', country: 'EL', category: '3', market: 'household', lang: 'fi' },
      2025,
    );
    expect(parsed.query).toMatchObject({ year: 2024, country: 'GR', category: 3, market: 'household' });
  });

  it('refuse each bad field by name, keep what was typed, and name unknown parameters', async () => {
    const parsed = await parseFilters(
      { year: '', country: 'fi', category: '0', market: ['household'], colour: 'red' },
      2025,
    );
    expect(parsed.query).toBeNull();
    expect(parsed.invalid).toEqual(['year', 'country', 'category', 'market']);
    expect(parsed.unknown).toEqual(['colour']);
    expect(parsed.entered.country).toBe('fi');
  });

  it('refuse control characters and show the rest of the value', async () => {
    const parsed = await parseFilters({ year: '2024', producerId: 'a\u0000b' }, 2025);
    expect(parsed.invalid).toEqual(['producerId']);
    expect(parsed.entered.producerId).toBe('ab');
  });

  it('list a facts page’s measures in the read model’s order, each once', async () => {
    const parsed = await parseFactsParameters({ year: '2024', measure: ['RCY', 'PFR'] }, 2025);
    expect(parsed.selection).toMatchObject({ measures: ['PFR', 'RCY'], treatment: null, cursor: null, limit: 50 });
    const twice = await parseFactsParameters({ year: '2024', measure: ['COL', 'COL'] }, 2025);
    expect(twice.invalid).toEqual(['measure']);
  });
});
