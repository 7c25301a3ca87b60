// The suite must run on the runtime Lambda runs (nodejs22.x), not the machine's own Node.
test('tests run on Node 22', () => {
  expect(process.versions.node.split('.')[0]).toBe('22');
});
