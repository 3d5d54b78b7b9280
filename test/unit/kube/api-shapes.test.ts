import { listShape, objectShape } from '../../../shared/kube/api-shapes.js';

describe('API shapes', () => {
  const pod = objectShape('pod');
  const pods = listShape('pod');
  it.each([
    [null, /expected a pod object, got null/],
    [[], /got an array/],
    [{}, /no metadata object/],
    [{ metadata: {} }, /no metadata.name/],
  ])('object %j', (value, says) => {
    expect(pod(value)).toMatch(says);
  });
  it('a named object fits', () => expect(pod({ metadata: { name: 'web-0' } })).toBeUndefined());

  it.each([
    [{}, /no items array/],
    [{ items: 'x' }, /no items array/],
    [{ items: [1] }, /item 0 of the pod list is number 1/],
    [{ items: [], metadata: 'x' }, /metadata is a string/],
    [{ items: [], metadata: { continue: 5 } }, /continue token is number 5/],
  ])('list %j', (value, says) => {
    expect(pods(value)).toMatch(says);
  });
  it('a list page fits', () => expect(pods({ items: [{}], metadata: { continue: 'abc' } })).toBeUndefined());
});
