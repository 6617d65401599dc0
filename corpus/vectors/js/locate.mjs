// Where a Fathom rulesets.js holds its weights. Run by corpus/vectors/weights.py as
//     node locate.mjs RULESETS_JS
// It parses the file with acorn (never runs it) and prints one JSON object:
//     {"trainees": {id: {"coeffs": [{"name", "start", "end"}], "vectorType"}},
//      "biases": [{"name", "start", "end"}], "markers": [{"text", "start", "end"}],
//      "anchors": {id: offset}}
// or {"error", "line", "column"} ({"error"} alone for a file that is not UTF-8).
// Offsets are UTF-8 byte offsets into the file; a number's span covers its sign. Coefficients are the `[name, number]` pairs a
// trainee's `coeffs` reaches (`new Map([...])`, `new Map(coefficients.new)`, a
// variable, a spread); biases are pairs in an array named or passed as biases
// (`const biases = [...]`, `biases: [...]`, `ruleset(rules, coeffs, [...])`).
// Markers are the `// corpus ship: ...` comments ship writes; an anchor is the
// start of the line of the top-level statement holding a trainee's coefficients.
import {parse} from 'acorn';
import {readFileSync} from 'node:fs';

const MARKER = /^\s*corpus ship:/;

function byteOffsets(source) {
    // UTF-16 index -> UTF-8 byte offset, for every index (files are small).
    const out = new Int32Array(source.length + 1);
    let bytes = 0;
    for (let i = 0; i < source.length; i++) {
        out[i] = bytes;
        const code = source.charCodeAt(i);
        if (code < 0x80) bytes += 1;
        else if (code < 0x800) bytes += 2;
        else if (code >= 0xd800 && code <= 0xdbff) { bytes += 4; out[++i] = bytes; continue; }
        else bytes += 3;
    }
    out[source.length] = bytes;
    return out;
}

function walk(node, visit, parents = []) {
    if (!node || typeof node.type !== 'string') return;
    visit(node, parents);
    for (const key of Object.keys(node)) {
        const value = node[key];
        const children = Array.isArray(value) ? value : [value];
        for (const child of children) {
            if (child && typeof child.type === 'string') walk(child, visit, [...parents, node]);
        }
    }
}

function keyName(node) {
    if (!node) return null;
    if (node.type === 'Identifier') return node.name;
    if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
    return null;
}

function numberNode(node) {
    if (node && node.type === 'Literal' && typeof node.value === 'number') return node;
    if (node && node.type === 'UnaryExpression' && ['-', '+'].includes(node.operator) && numberNode(node.argument)) return node;
    return null;
}

// An array whose every element is [string, number]: the pairs, or null.
function pairsOf(node) {
    if (!node || node.type !== 'ArrayExpression' || node.elements.length === 0) return null;
    const pairs = [];
    for (const item of node.elements) {
        if (!item || item.type !== 'ArrayExpression' || item.elements.length !== 2) return null;
        const [name, value] = item.elements;
        if (!name || name.type !== 'Literal' || typeof name.value !== 'string' || !numberNode(value)) return null;
        pairs.push({name: name.value, node: value});
    }
    return pairs;
}

function property(object, name) {
    if (!object || object.type !== 'ObjectExpression') return null;
    const found = object.properties.find(p => p.type === 'Property' && !p.computed && keyName(p.key) === name);
    return found ? found.value : null;
}

// Follow `coeffs`' expression to the array of pairs it is built from.
function resolvePairs(node, variables, depth = 0) {
    if (!node || depth > 8) return null;
    const direct = pairsOf(node);
    if (direct) return direct;
    if (node.type === 'NewExpression' && keyName(node.callee) === 'Map') return resolvePairs(node.arguments[0], variables, depth + 1);
    if (node.type === 'Identifier') return resolvePairs(variables.get(node.name), variables, depth + 1);
    if (node.type === 'ArrayExpression' && node.elements.length === 1 && node.elements[0] && node.elements[0].type === 'SpreadElement') {
        return resolvePairs(node.elements[0].argument, variables, depth + 1);
    }
    if (node.type === 'MemberExpression' && node.object.type === 'Identifier') {
        const name = node.computed ? keyName(node.property) : node.property.name;
        return resolvePairs(property(variables.get(node.object.name), name), variables, depth + 1);
    }
    return null;
}

function locate(source) {
    const comments = [];
    const tree = parse(source, {ecmaVersion: 'latest', sourceType: 'module', locations: true, onComment: comments});
    const at = byteOffsets(source);
    const span = node => ({start: at[node.start], end: at[node.end]});
    const variables = new Map();
    const biasArrays = [];
    const sets = [];
    walk(tree, (node, parents) => {
        if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) {
            variables.set(node.id.name, node.init);
            if (/bias/i.test(node.id.name)) biasArrays.push(node.init);
        } else if (node.type === 'Property' && /bias/i.test(keyName(node.key) || '')) {
            biasArrays.push(node.value);
        } else if (node.type === 'CallExpression' && keyName(node.callee) === 'ruleset' && node.arguments[2]) {
            biasArrays.push(node.arguments[2]);
        } else if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression'
                   && keyName(node.callee.property) === 'set' && node.arguments.length === 2
                   && node.arguments[0].type === 'Literal' && node.arguments[1].type === 'ObjectExpression') {
            sets.push({id: String(node.arguments[0].value), object: node.arguments[1], top: parents[1] || node});
        }
    });
    const trainees = {};
    const anchors = {};
    for (const {id, object, top} of sets) {
        const pairs = resolvePairs(property(object, 'coeffs'), variables);
        if (!pairs) continue;
        const vectorType = property(object, 'vectorType');
        trainees[id] = {
            coeffs: pairs.map(p => ({name: p.name, ...span(p.node)})),
            vectorType: vectorType && typeof vectorType.value === 'string' ? vectorType.value : id,
        };
        const holder = tree.body.find(s => s.start <= pairs[0].node.start && pairs[0].node.end <= s.end) || top;
        anchors[id] = at[source.lastIndexOf('\n', holder.start - 1) + 1];
    }
    const biases = [];
    const seen = new Set();
    for (const array of biasArrays) {
        for (const pair of resolvePairs(array, variables) || []) {
            if (!seen.has(pair.node.start)) {
                seen.add(pair.node.start);
                biases.push({name: pair.name, ...span(pair.node)});
            }
        }
    }
    const markers = comments.filter(c => c.type === 'Line' && MARKER.test(c.value))
        .map(c => ({text: c.value.trim(), ...span(c)}));
    return {trainees, biases, markers, anchors};
}

// Fatal, not 'utf8': a byte that is not UTF-8 would become U+FFFD (three bytes) and shift
// every byte offset after it, so ship would write into the wrong place.
const UTF8 = new TextDecoder('utf-8', {fatal: true});

function readSource(path) {
    try {
        return UTF8.decode(readFileSync(path));
    } catch (e) {
        if (e instanceof TypeError) return null;  // what a fatal TextDecoder throws
        throw e;
    }
}

let result;
try {
    const source = readSource(process.argv[2]);
    result = source === null ? {error: 'the ruleset is not UTF-8 text'} : locate(source);
} catch (e) {
    result = e.loc ? {error: e.message, line: e.loc.line, column: e.loc.column + 1} : {error: String(e && e.message || e)};
}
process.stdout.write(JSON.stringify(result));
