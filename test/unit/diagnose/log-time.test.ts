import { parseLogTime } from '../../../shared/diagnose/log-time.js';

const readyAt = Date.parse('2026-11-29T21:00:00Z');
const now = Date.parse('2026-11-29T22:00:00Z');

describe('parseLogTime', () => {
  it.each([
    ['klog (kubelet log file)', 'E1129 21:50:28.123456   52811 kubelet.go:2163] Container runtime network not ready', '2026-11-29T21:50:28.123Z'],
    ['journald + klog', 'Nov 29 21:50:28 node-1 kubelet[123]: E1129 21:50:28.123456   52811 kubelet.go:2163] x', '2026-11-29T21:50:28.000Z'],
    ['containerd logfmt', 'time="2026-11-29T21:50:28.123456789Z" level=error msg="failed to load cni during init"', '2026-11-29T21:50:28.123Z'],
    ['journalctl -o short-iso', '2026-11-29T22:50:28+0100 node-1 containerd[99]: time="2026-11-29T21:50:28Z" level=error', '2026-11-29T21:50:28.000Z'],
    ['RFC 3339 with offset', 'time="2026-11-29T23:50:28+02:00" level=info', '2026-11-29T21:50:28.000Z'],
    ['dmesg --time-format iso (comma before the fraction)', '2026-11-29T22:50:28,123456+01:00 nf_conntrack: nf_conntrack: table full, dropping packet', '2026-11-29T21:50:28.123Z'],
  ])('%s', (_name, line, expected) => {
    expect(new Date(parseLogTime(line, readyAt, now)!).toISOString()).toBe(expected);
  });

  it('a line with no time gives undefined', () => {
    expect(parseLogTime('Container runtime network not ready', readyAt, now)).toBeUndefined();
  });

  it('klog takes the year of the Ready transition; across New Year the next year when that is not after now', () => {
    const decReady = Date.parse('2026-12-31T23:00:00Z');
    const janNow = Date.parse('2027-01-02T00:00:00Z');
    expect(new Date(parseLogTime('E0101 10:00:00.000000 1 x.go:1] y', decReady, janNow)!).toISOString()).toBe('2027-01-01T10:00:00.000Z');
    expect(new Date(parseLogTime('E1231 10:00:00.000000 1 x.go:1] y', decReady, janNow)!).toISOString()).toBe('2026-12-31T10:00:00.000Z');
  });

  it('a yearless line that would be after the snapshot is from the year before', () => {
    const janReady = Date.parse('2027-01-01T01:00:00Z');
    expect(new Date(parseLogTime('Dec 30 10:00:00 node-1 kubelet[1]: x', janReady, Date.parse('2027-01-02T00:00:00Z'))!).toISOString()).toBe('2026-12-30T10:00:00.000Z');
  });
});
