import { describe, expect, it } from '@jest/globals';
import { controlOfField, controlWithInvalidUtf8, DESK_FORMS, readForm } from './desk-forms.js';

const posted = (fields: Record<string, string>): Map<string, string> => new Map(Object.entries(fields));

describe('readForm', () => {
  it('makes the JSON body: empty controls absent, numbers that read as numbers, one action per line', () => {
    const { body } = readForm(
      DESK_FORMS.RecordRepair,
      posted({
        occurredAt: '2026-07-01T10:00:00Z',
        problem: 'Does not charge',
        actions: ' Opened the case \r\n\r\nReplaced the port\n',
        outcome: 'fixed',
        barrier: '',
        labourMinutes: '45',
        'cost.amount': '',
        'cost.currency': '',
      }),
    );
    expect(body).toEqual({
      occurredAt: '2026-07-01T10:00:00Z',
      problem: 'Does not charge',
      actions: ['Opened the case', 'Replaced the port'],
      partsReplaced: [],
      outcome: 'fixed',
      labourMinutes: 45,
    });
  });

  it('passes text that is not a number on as text, for the schema to refuse', () => {
    const { body } = readForm(DESK_FORMS.RecordRepair, posted({ labourMinutes: 'an hour', 'cost.amount': '1,5' }));
    expect(body).toMatchObject({ labourMinutes: 'an hour', cost: { amount: '1,5' } });
  });

  it('reads yes and no as true and false, anything else as the text sent', () => {
    expect(readForm(DESK_FORMS.RecordDataWipe, posted({ 'verification.verified': 'yes' })).body).toMatchObject({
      verification: { verified: true },
    });
    expect(readForm(DESK_FORMS.RecordDataWipe, posted({ 'verification.verified': 'no' })).body).toMatchObject({
      verification: { verified: false },
    });
    expect(readForm(DESK_FORMS.RecordDataWipe, posted({ 'verification.verified': 'maybe' })).body).toMatchObject({
      verification: { verified: 'maybe' },
    });
  });

  it('leaves empty rows out and renumbers the rest, in order, as the form is shown again', () => {
    const reading = readForm(
      DESK_FORMS.RecordRepair,
      posted({
        'partsReplaced[0].name': '',
        'partsReplaced[0].condition': '',
        'partsReplaced[2].name': 'Fan',
        'partsReplaced[2].condition': 'used',
        'partsReplaced[10].name': 'Port',
        'partsReplaced[10].condition': 'new',
        'partsReplaced[1].partNumber': 'P-1',
      }),
    );
    expect(reading.body['partsReplaced']).toEqual([
      { partNumber: 'P-1' },
      { name: 'Fan', condition: 'used' },
      { name: 'Port', condition: 'new' },
    ]);
    expect(reading.rows.get('partsReplaced')).toBe(3);
    expect(reading.values.get('partsReplaced[0].partNumber')).toBe('P-1');
    expect(reading.values.get('partsReplaced[1].name')).toBe('Fan');
    expect(reading.values.get('partsReplaced[2].name')).toBe('Port');
  });

  it('reads only the form’s own controls: others (the CSRF token, a field the form lacks) are not in the body', () => {
    const { body } = readForm(
      DESK_FORMS.RecordResale,
      posted({ _csrf: 'token', _idempotency: 'key', producerId: 'someone', channel: 'shop' }),
    );
    expect(body).toEqual({ channel: 'shop' });
  });
});

describe('controlOfField', () => {
  const controls = ['occurredAt', 'actions', 'tool.name', 'tool.version', 'media[0].type', 'media[0].capacityGb'];

  it('finds the control itself, the control a field lies within, or the first control within the field', () => {
    expect(controlOfField('tool.name', controls)).toBe('tool.name');
    expect(controlOfField('actions[3]', controls)).toBe('actions');
    expect(controlOfField('tool', controls)).toBe('tool.name');
    expect(controlOfField('media', controls)).toBe('media[0].type');
  });

  it('finds none for the whole request or a field the form has no control for', () => {
    expect(controlOfField('', controls)).toBeNull();
    expect(controlOfField('Idempotency-Key', controls)).toBeNull();
    // A prefix of a name is not a field within it.
    expect(controlOfField('occurred', controls)).toBeNull();
  });
});

describe('controlWithInvalidUtf8', () => {
  it('names the control whose value is not UTF-8 as sent, and passes UTF-8', () => {
    expect(controlWithInvalidUtf8(Buffer.from('problem=Rikki+n%C3%A4ytt%C3%B6&outcome=fixed'))).toBeNull();
    expect(controlWithInvalidUtf8(Buffer.from('outcome=fixed&problem=Broken%FF'))).toBe('problem');
    expect(controlWithInvalidUtf8(Buffer.from('%FF=x'))).toBe('(body)');
    expect(controlWithInvalidUtf8(undefined)).toBeNull();
  });
});
