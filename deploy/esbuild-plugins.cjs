// esbuild plugins of every function bundle (serverless.yml custom.esbuild.plugins; bench/transports.ts
// builds its variants with them too).
//
// Built-in modules without their costly lazy exports. A static ES import of a Node built-in module
// copies every export into the module namespace, and a few exports are getters that load code on
// first read: node:crypto's `webcrypto` and `subtle` load WebCrypto, node:timers' `promises` loads
// timers/promises, node:http's `WebSocket`, `CloseEvent` and `MessageEvent` load undici and web
// streams. A function never uses them, yet the import makes every cold start pay for them
// (bench/ANALYSIS.md, cold start). livegate's signers import node:crypto, @middy/core node:timers,
// the AWS SDK node:crypto and node:http. So a static ES import of these modules gets a module that
// takes the built-in with process.getBuiltinModule and exports everything but those. A named
// import of a left-out export fails the build ("No matching export"); take it from
// process.getBuiltinModule(...) where it is needed. require() and import() are untouched: they
// read no export until asked.

/** For each module, the lazy exports that load code when read. */
const COSTLY_LAZY_EXPORTS = {
  crypto: ['webcrypto', 'subtle'],
  timers: ['promises'],
  http: ['WebSocket', 'CloseEvent', 'MessageEvent'],
};
const WITHOUT_LAZY_EXPORTS = Object.keys(COSTLY_LAZY_EXPORTS);
const NAMESPACE = 'livegate-builtin';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// The export list is read from the Node that builds, so it must be the Node the functions run on.
const RUNTIME_MAJOR = 22;

const moduleSource = (name) => {
  const exported = Object.keys(require(`node:${name}`)).filter((key) => IDENTIFIER.test(key) && key !== 'default' && !COSTLY_LAZY_EXPORTS[name].includes(key));
  return [`const builtin = process.getBuiltinModule("node:${name}");`, 'export default builtin;', `export const { ${exported.join(', ')} } = builtin;`].join(
    '\n',
  );
};

const builtinsWithoutLazyExports = {
  name: 'builtins-without-lazy-exports',
  setup(build) {
    const major = Number(process.versions.node.split('.')[0]);
    if (major !== RUNTIME_MAJOR) {
      throw new Error(
        `the bundles are built on Node ${process.versions.node}, but the functions run on Node ${RUNTIME_MAJOR}: build through npm (npm run build, npm start), which uses the project's Node ${RUNTIME_MAJOR}`,
      );
    }
    const filter = new RegExp(`^(node:)?(${WITHOUT_LAZY_EXPORTS.join('|')})$`);
    build.onResolve({ filter }, (args) => (args.kind === 'import-statement' ? { path: args.path.replace(/^node:/, ''), namespace: NAMESPACE } : undefined));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ loader: 'js', contents: moduleSource(args.path) }));
  },
};

// Packages whose module body only defines functions (and requires built-ins), so a bundle that
// uses none of their exports may leave them out. esbuild cannot know that of a CommonJS module and
// keeps its body, and so every bundle that merely reaches one through a shared module ran it at
// each cold start: nine functions ran tls-sig-api-v2, and the Volcengine function loaded node:zlib
// for it alone (bench/ANALYSIS.md, cold start).
const SIDE_EFFECT_FREE_PACKAGES = ['tls-sig-api-v2'];

const sideEffectFreePackages = {
  name: 'side-effect-free-packages',
  setup(build) {
    const names = SIDE_EFFECT_FREE_PACKAGES.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const filter = new RegExp(`^(${names.join('|')})(/|$)`);
    build.onResolve({ filter }, async (args) => {
      // Resolved as esbuild would (the flag keeps this callback out of it), then only marked.
      if (args.pluginData?.sideEffectFree) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        namespace: args.namespace,
        resolveDir: args.resolveDir,
        with: args.with,
        pluginData: { sideEffectFree: true },
      });
      return { ...resolved, pluginData: undefined, sideEffects: false };
    });
  },
};

module.exports = [builtinsWithoutLazyExports, sideEffectFreePackages];
module.exports.WITHOUT_LAZY_EXPORTS = WITHOUT_LAZY_EXPORTS;
