// esbuild plugins of every function bundle (serverless.yml custom.esbuild.plugins; bench/transports.ts
// builds its variants with them too).
//
// Built-in modules without their costly lazy exports. An ES import of a Node built-in module copies
// every export into the module namespace, and a few exports are getters that load code on first
// read: node:crypto's `webcrypto`, `subtle` and `getRandomValues` load WebCrypto, node:timers'
// `promises` loads timers/promises, node:http's `WebSocket`, `CloseEvent` and `MessageEvent` load
// undici and web streams. A function never uses them, yet the import makes every cold start pay
// for them (bench/ANALYSIS.md, cold start). livegate's signers import node:crypto, @middy/core
// node:timers, the AWS SDK node:crypto and node:http. So an ES import of these modules gets a
// module that takes the built-in with process.getBuiltinModule and exports everything but those:
// `getRandomValues` (which the AWS SDK imports) as a function that reads it when first called,
// the others not at all, so importing one fails the build ("No matching export"); take it from
// process.getBuiltinModule(...) where it is needed. A require() is untouched: it reads nothing.

/** For each module, its costly lazy exports: `call` ones are exported as a function that defers the read. */
const COSTLY_LAZY_EXPORTS = {
  crypto: { webcrypto: 'omit', subtle: 'omit', getRandomValues: 'call' },
  timers: { promises: 'omit' },
  http: { WebSocket: 'omit', CloseEvent: 'omit', MessageEvent: 'omit' },
};
const WITHOUT_LAZY_EXPORTS = Object.keys(COSTLY_LAZY_EXPORTS);
const NAMESPACE = 'livegate-builtin';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const moduleSource = (name) => {
  const costly = COSTLY_LAZY_EXPORTS[name];
  const eager = Object.keys(require(`node:${name}`)).filter((key) => IDENTIFIER.test(key) && key !== 'default' && !(key in costly));
  const deferred = Object.keys(costly).filter((key) => costly[key] === 'call');
  return [
    `const builtin = process.getBuiltinModule("node:${name}");`,
    'export default builtin;',
    `export const { ${eager.join(', ')} } = builtin;`,
    ...deferred.map((key) => `export const ${key} = (...args) => builtin.${key}(...args);`),
  ].join('\n');
};

const builtinsWithoutLazyExports = {
  name: 'builtins-without-lazy-exports',
  setup(build) {
    const filter = new RegExp(`^(node:)?(${WITHOUT_LAZY_EXPORTS.join('|')})$`);
    build.onResolve({ filter }, (args) => (args.kind === 'import-statement' ? { path: args.path.replace(/^node:/, ''), namespace: NAMESPACE } : undefined));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ loader: 'js', contents: moduleSource(args.path) }));
  },
};

module.exports = [builtinsWithoutLazyExports];
module.exports.WITHOUT_LAZY_EXPORTS = WITHOUT_LAZY_EXPORTS;
