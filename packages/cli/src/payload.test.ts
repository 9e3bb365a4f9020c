import { describe, expect, it } from 'vitest';
import { parseArgument, parseKwargs, valueOfOutput } from './payload.js';

describe('parseArgument', () => {
  it.each([
    ['40', 40],
    ['-2.5', -2.5],
    ['true', true],
    ['null', null],
    ['[1,"a"]', [1, 'a']],
    ['{"a":1}', { a: 1 }],
    ['"42"', '42'],
    ['hello', 'hello'],
    ['hello world', 'hello world'],
    ['', ''],
    ['{broken', '{broken'],
  ])('%j is sent as %j', (text, value) => {
    expect(parseArgument(text)).toEqual(value);
  });
});

describe('parseKwargs', () => {
  it('takes a JSON object', () => {
    expect(parseKwargs({ kwargs: '{"limit": 5}' }, 'call')).toEqual({ limit: 5 });
    expect(parseKwargs({}, 'call')).toBeUndefined();
  });

  it.each(['[1]', '5', 'null', '{oops'])('refuses %j with what to write instead', (text) => {
    expect(() => parseKwargs({ kwargs: text }, 'call')).toThrow(/--kwargs must be a JSON object such as/);
  });
});

describe('valueOfOutput', () => {
  it('reads JSON, else the text, without trailing line breaks; empty output is no value', () => {
    expect(valueOfOutput('42\n')).toEqual({ value: 42 });
    expect(valueOfOutput('{"a":[1]}\r\n')).toEqual({ value: { a: [1] } });
    expect(valueOfOutput('two words\n\n')).toEqual({ value: 'two words' });
    expect(valueOfOutput('  indented\n')).toEqual({ value: '  indented' });
    expect(valueOfOutput('\n')).toBeUndefined();
    expect(valueOfOutput('')).toBeUndefined();
  });
});
