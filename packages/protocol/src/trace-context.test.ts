import { describe, expect, it } from 'vitest';
import { MAX_TRACESTATE_LENGTH, readTraceContext, traceContextCarrier } from './trace-context.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('readTraceContext', () => {
  it('takes a version 00 traceparent apart, with its tracestate', () => {
    expect(readTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'vendor=a,other=b' })).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 1,
      traceState: 'vendor=a,other=b',
    });
    expect(readTraceContext({ traceparent: `00-${TRACE}-${SPAN}-00` })).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 0,
      traceState: undefined,
    });
  });

  it('accepts a later version with more fields, as W3C asks of a version 00 reader', () => {
    expect(readTraceContext({ traceparent: `01-${TRACE}-${SPAN}-01-more` })?.spanId).toBe(SPAN);
  });

  it.each<[string, unknown]>([
    ['no value', undefined],
    ['a string', `00-${TRACE}-${SPAN}-01`],
    ['an array', [`00-${TRACE}-${SPAN}-01`]],
    ['a number traceparent', { traceparent: 5 }],
    ['version ff', { traceparent: `ff-${TRACE}-${SPAN}-01` }],
    ['version 00 with a fifth field', { traceparent: `00-${TRACE}-${SPAN}-01-x` }],
    ['uppercase hex', { traceparent: `00-${TRACE.toUpperCase()}-${SPAN}-01` }],
    ['an all-zero trace ID', { traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` }],
    ['an all-zero span ID', { traceparent: `00-${TRACE}-${'0'.repeat(16)}-01` }],
    ['a short trace ID', { traceparent: `00-${TRACE.slice(1)}-${SPAN}-01` }],
    ['a huge traceparent', { traceparent: `01-${TRACE}-${SPAN}-01-${'x'.repeat(10_000)}` }],
  ])('refuses %s', (_name, value) => {
    expect(readTraceContext(value)).toBeUndefined();
  });

  it('drops a tracestate that is not a string or is longer than W3C allows, and keeps the traceparent', () => {
    const long = 'a='.padEnd(MAX_TRACESTATE_LENGTH + 1, 'b');
    expect(readTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: long })?.traceState).toBeUndefined();
    expect(readTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 7 })?.traceState).toBeUndefined();
  });
});

describe('traceContextCarrier', () => {
  it('writes a version 00 traceparent that reads back the same', () => {
    const carrier = traceContextCarrier(TRACE, SPAN, 1, 'vendor=a');
    expect(carrier).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'vendor=a' });
    expect(readTraceContext(carrier)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 1, traceState: 'vendor=a' });
  });

  it('leaves out an empty tracestate', () => {
    expect(traceContextCarrier(TRACE, SPAN, 0, '')).toEqual({ traceparent: `00-${TRACE}-${SPAN}-00` });
  });
});
