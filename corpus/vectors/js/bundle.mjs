// Bundle a Fathom rulesets.js with corpus's in-page harness into one script, and
// describe its trainees. Run by corpus/vectors/jsbundle.py as
//     node bundle.mjs RULESETS_JS
// It prints one JSON object on stdout: {"code", "inputs", "trainees"}, or {"error"} with
// "file", "line" and "column" (from 1; file relative to the working directory) where known.
//
// npm's fathom-web ships ES modules as *.mjs whose relative imports have no
// extension; esbuild left to its defaults would pick the CommonJS *.js files, so
// the plugin below maps every fathom-web import to its .mjs file. The user's own
// relative imports resolve as esbuild does by default; any other import is refused.
import {build} from 'esbuild';
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const fathomDir = join(here, 'node_modules', 'fathom-web');
const rulesetPath = resolve(process.argv[2]);
const RULESET = 'corpus:ruleset';

function fathomModule(name) {
    const file = join(fathomDir, `${name}.mjs`);
    return existsSync(file) ? file : null;
}

const sandbox = {
    name: 'corpus-sandbox',
    setup(b) {
        b.onResolve({filter: /.*/}, args => {
            if (args.path === RULESET) {
                return {path: rulesetPath};
            }
            if (args.path === 'fathom-web') {
                return {path: fathomModule('index')};
            }
            const sub = /^fathom-web\/([\w-]+?)(\.m?js)?$/.exec(args.path);
            if (sub) {
                const file = fathomModule(sub[1]);
                return file ? {path: file} : {errors: [{text: `fathom-web has no module "${sub[1]}"`}]};
            }
            if (args.path.startsWith('./') || args.path.startsWith('../')) {
                if (args.importer.startsWith(fathomDir + '/')) {
                    const file = join(dirname(args.importer), args.path) + '.mjs';
                    if (existsSync(file)) {
                        return {path: file};
                    }
                }
                return undefined;  // the user's own files: esbuild's own resolution
            }
            if (args.kind === 'entry-point') {
                return undefined;
            }
            return {errors: [{text: `import "${args.path}" is not allowed (only fathom-web and relative imports of your own files)`}]};
        });
    },
};

function located(message) {
    const at = message.location;
    return at ? {error: message.text, file: at.file, line: at.line, column: at.column + 1} : {error: message.text};
}

function describe(code) {
    // Run the bundle without a DOM just to read the trainees' declarations.
    const context = {};
    context.globalThis = context;
    vm.runInNewContext(code, context, {filename: rulesetPath});
    const trainees = context.__corpusTrainees;
    if (Object.prototype.toString.call(trainees) !== '[object Map]') {
        throw new Error('the default export is not a Map of trainees (end the file with `export default trainees`)');
    }
    const out = {};
    for (const [id, trainee] of trainees) {
        const coeffs = trainee && trainee.coeffs;
        if (!coeffs || typeof coeffs[Symbol.iterator] !== 'function') {
            throw new Error(`trainee "${id}" has no coeffs Map`);
        }
        if (typeof trainee.rulesetMaker !== 'function') {
            throw new Error(`trainee "${id}" has no rulesetMaker function`);
        }
        const size = trainee.viewportSize;
        out[id] = {
            featureNames: Array.from(new Map(coeffs).keys()).map(String),
            viewport: size ? [size.width, size.height] : null,
            vectorType: trainee.vectorType || id,
            customIsTarget: typeof trainee.isTarget === 'function',
        };
    }
    return out;
}

let result;
try {
    const built = await build({
        entryPoints: [join(here, 'harness.mjs')],
        bundle: true,
        write: false,
        format: 'iife',
        target: 'es2020',
        logLevel: 'silent',
        metafile: true,
        plugins: [sandbox],
    });
    const code = built.outputFiles[0].text;
    // Every file that went into the bundle, so a cached bundle can be checked.
    const inputs = Object.keys(built.metafile.inputs).map(p => resolve(process.cwd(), p));
    result = {code, inputs, trainees: describe(code)};
} catch (e) {
    if (e.errors && e.errors.length) {
        result = located(e.errors[0]);
    } else {
        result = {error: String(e && e.message || e).split('\n')[0]};
    }
}
process.stdout.write(JSON.stringify(result));
