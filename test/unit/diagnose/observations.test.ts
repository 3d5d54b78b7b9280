import { logLines } from '../../../shared/diagnose/observations.js';

describe('logLines', () => {
  it('keeps a line that repeats with new timestamps once, as its newest occurrence', () => {
    const log = [
      'Nov 26 05:10:02 node-1 kubelet[41233]: E1126 05:10:02.118201   41233 kubelet.go:2163] Container runtime network not ready',
      'Nov 26 05:10:03 node-1 kubelet[41233]: I1126 05:10:03.000000   41233 kubelet.go:100] something else',
      'Nov 26 05:10:07 node-1 kubelet[41233]: E1126 05:10:07.120455   41233 kubelet.go:2163] Container runtime network not ready',
      '',
    ].join('\n');
    expect(logLines(log)).toEqual([
      'Nov 26 05:10:03 node-1 kubelet[41233]: I1126 05:10:03.000000   41233 kubelet.go:100] something else',
      'Nov 26 05:10:07 node-1 kubelet[41233]: E1126 05:10:07.120455   41233 kubelet.go:2163] Container runtime network not ready',
    ]);
  });

  it('treats sandbox IDs as repetitions too', () => {
    const line = (id: string) => `failed to setup network for sandbox "${id.repeat(64)}": plugin type="flannel" failed (add)`;
    expect(logLines(`${line('a')}\n${line('b')}\n`)).toEqual([line('b')]);
  });
});

it('journal lines in short-iso form that repeat count once, as their newest occurrence', () => {
  const line = (t: string) => `2026-11-29T21:50:${t}+0000 node-1 kubelet[812]: E1129 21:50:${t}.000000     812 kubelet.go:2163] "Container runtime network not ready"`;
  expect(logLines([line('01'), line('06'), line('11')].join('\n'))).toEqual([line('11')]);
});
