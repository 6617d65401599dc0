// Bundle npm's freeze-dry (pinned by package-lock.json) into one script for a browser page.
// Run by corpus/collect/freezer.py as
//     node freezedry.mjs
// It prints the script on stdout: evaluated in a page, it defines
// `window.__corpusFreezeDry(document, options)`, freeze-dry's default export.
//
// freeze-dry's lib is CommonJS written for bundlers: it needs Node's `path` (the
// path-browserify package stands in), a `process` object (postcss reads process.env)
// and `util.format` (postcss-values-parser's error messages; a small stand-in below).
import {build} from 'esbuild';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// util.format's %s and %d, all that postcss-values-parser asks of it.
const UTIL = `module.exports = {format: (text, ...args) => text.replace(/%[sd]/g, () => String(args.shift()))};`;
const nodeShims = {
    name: 'corpus-node-shims',
    setup(b) {
        b.onResolve({filter: /^util$/}, () => ({path: 'util', namespace: 'corpus-shim'}));
        b.onLoad({filter: /.*/, namespace: 'corpus-shim'}, () => ({contents: UTIL, loader: 'js'}));
    },
};

const result = await build({
    stdin: {
        contents: "import freezeDry from 'freeze-dry'; window.__corpusFreezeDry = freezeDry;",
        resolveDir: here,
        loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    alias: {path: join(here, 'node_modules', 'path-browserify')},
    banner: {js: 'var process = {env: {}, platform: "browser", cwd: () => "/", browser: true};'},
    define: {global: 'window'},
    plugins: [nodeShims],
    logLevel: 'silent',
});
process.stdout.write(result.outputFiles[0].text);
