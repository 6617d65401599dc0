// corpus's vectorizer inside the page: FathomFox's Vectorizer, step for step.
// Bundled with the user's rulesets.js (see bundle.mjs) and evaluated in the page
// after it loads; `__corpusVectorize(id, options)` returns the page's vectors.
import trainees from 'corpus:ruleset';
import {type} from 'fathom-web';
import {InwardRule, OutwardRule} from 'fathom-web/rule';

const MARKUP_LENGTH = 80;
// Values of `input.autocomplete` that Firefox reported as "" (see FACTS.md).
const FIREFOX_EMPTY_AUTOCOMPLETE = new Set(['current-password']);

// Tag errors with the rule that was running, so a message can name it.
for (const cls of [InwardRule, OutwardRule]) {
    const results = cls.prototype.results;
    cls.prototype.results = function (ruleset) {
        try {
            return results.call(this, ruleset);
        } catch (e) {
            if (e !== null && typeof e === 'object' && e.corpusRule === undefined) {
                try { e.corpusRule = this.name; } catch (ignored) { /* frozen error object */ }
            }
            throw e;
        }
    };
}

class RuleFailure extends Error {
    constructor(rule, message) {
        super(message);
        this.corpusRule = rule;
    }
}

function startTag(element) {
    const outer = element.cloneNode(false).outerHTML;
    const end = `</${element.localName}>`;
    const tag = outer.endsWith(end) ? outer.slice(0, -end.length) : outer;
    return tag.slice(0, MARKUP_LENGTH);
}

function describeValue(value) {
    let shown;
    try { shown = JSON.stringify(value); } catch (e) { shown = undefined; }
    return `${shown === undefined ? String(value) : shown} (${typeof value})`;
}

// Documents in FathomFox's order: this one, then each same-origin iframe's, recursively.
function* documents(doc) {
    yield doc;
    for (const frame of doc.querySelectorAll('iframe')) {
        let inner = null;
        try { inner = frame.contentDocument; } catch (e) { inner = null; }  // cross-origin
        if (inner && inner.documentElement) {
            yield* documents(inner);
        }
    }
}

function vectorizeDocument(doc, id, trainee, vectorType, featureNames) {
    const started = performance.now();
    const facts = trainee.rulesetMaker().against(doc);
    const fnodes = facts.get(type(vectorType));
    const time = Math.round(performance.now() - started);
    const nodes = [];
    const candidates = new Set();
    for (const fnode of fnodes) {
        const element = fnode.element;
        candidates.add(element);
        const scores = fnode.scoresSoFarFor(vectorType);
        const features = featureNames.map(name => {
            const value = scores.get(name);
            if (typeof value !== 'number' || Number.isNaN(value)) {
                const what = value === undefined ? 'gave no score' : `returned ${describeValue(value)}, not a number,`;
                throw new RuleFailure(name, `${what} for ${startTag(element)}`);
            }
            return value;
        });
        const isTarget = trainee.isTarget ? Boolean(trainee.isTarget(fnode)) : element.dataset.fathom === id;
        nodes.push({isTarget, features, markup: startTag(element)});
    }
    for (const element of doc.querySelectorAll('[data-fathom]')) {
        if (element.dataset.fathom === vectorType && !candidates.has(element)) {
            nodes.push({isTarget: true, pruned: true, features: [], markup: startTag(element)});
        }
    }
    return {nodes, time};
}

// What FathomFox saw in Firefox where Chromium differs (turned off with firefox: false).
function emulateFirefox(docs) {
    for (const doc of docs) {
        const win = doc.defaultView;
        // Chromium scrolls to an [autofocus] field on load; Firefox's tab had not.
        win.scrollTo(0, 0);
        const proto = win.HTMLInputElement.prototype;
        const original = Object.getOwnPropertyDescriptor(proto, 'autocomplete');
        if (original && !original.get.corpusFirefox) {
            const get = function () {
                const value = original.get.call(this);
                return FIREFOX_EMPTY_AUTOCOMPLETE.has(value) ? '' : value;
            };
            get.corpusFirefox = true;
            Object.defineProperty(proto, 'autocomplete', {...original, get});
        }
    }
}

globalThis.__corpusTrainees = trainees;
globalThis.__corpusVectorize = function (id, options) {
    const trainee = trainees.get(id);
    const vectorType = trainee.vectorType || id;
    const featureNames = Array.from(new Map(trainee.coeffs).keys()).map(String);
    const docs = Array.from(documents(document));
    if (options.firefox) {
        emulateFirefox(docs);
    }
    const nodes = [];
    let time = 0;
    try {
        for (const doc of docs) {
            const result = vectorizeDocument(doc, id, trainee, vectorType, featureNames);
            nodes.push(...result.nodes);
            time += result.time;
        }
    } catch (e) {
        const message = e instanceof Error ? `${e.name === 'Error' || e instanceof RuleFailure ? '' : e.name + ': '}${e.message}` : String(e);
        return {error: message.split('\n')[0], rule: e && e.corpusRule !== undefined ? String(e.corpusRule) : null};
    }
    return {nodes, time};
};
