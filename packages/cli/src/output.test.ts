import { describe, expect, it } from 'vitest';
import { renderTable, toJson } from './output.js';

describe('toJson', () => {
  it('writes bytes in the spec’s JSON form of binary and big integers as decimal strings', () => {
    expect(toJson({ data: new Uint8Array([1, 2, 255]), big: 2n ** 70n })).toBe(
      '{"data":"\\u0000AQL/","big":"1180591620717411303424"}',
    );
    expect(toJson([Buffer.from('hi')])).toBe('["\\u0000aGk="]');
  });
});

describe('renderTable', () => {
  it('pads columns to their widest cell, numbers to the right, and shows lists and missing values', () => {
    const table = renderTable(
      [
        { key: 'id', heading: 'ID', align: 'right' },
        { key: 'uri', heading: 'URI' },
        { key: 'callees', heading: 'CALLEES' },
      ],
      [
        { id: 7, uri: 'com.example.add', callees: [1, 2] },
        { id: 1234, uri: 'x' },
      ],
    );
    expect(table).toBe(
      ['  ID  URI              CALLEES', '   7  com.example.add  1, 2', '1234  x                -', ''].join('\n'),
    );
  });
});
