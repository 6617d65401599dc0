// corpus's vectorizer inside the page: FathomFox's Vectorizer, step for step.
// Bundled with the user's rulesets.js (see bundle.mjs) and evaluated in the page
// after it loads; `__corpusVectorize(id, options)` returns the page's vectors.
import trainees from 'corpus:ruleset';
import {type} from 'fathom-web';
import {InwardRule, OutwardRule} from 'fathom-web/rule';

const MARKUP_LENGTH = 80;
// Values of `input.autocomplete` that Firefox reported as "" (see FACTS.md).
const FIREFOX_EMPTY_AUTOCOMPLETE = new Set(['current-password']);
// Form properties a control of that name or id shadows in a page (`<input name="action">`
// makes `form.action` the input), while FathomFox's content script saw the real ones.
const FORM_PROPERTIES = ['action', 'name', 'id', 'method', 'target'];
const DETACHED_FORM = 'corpus-detached-from-form';

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

// fathom-web's own score for a candidate (sigmoid of the weighted rules plus the bias), as
// the application computes it: the ruleset's coefficients, or the trainee's coeffs where
// rulesetMaker() passes none (as FathomFox scored them).
function scoring(facts, trainee) {
    if (facts._coeffs.size === 0) {
        facts.setCoeffsAndBiases(trainee.coeffs, facts.biases);
    }
}

function vectorizeDocument(doc, id, trainee, vectorType, featureNames, firefox, scores = false) {
    const restoreForms = firefox ? unshadowForms(doc) : () => {};
    const found = [];
    let time;
    try {
        const started = performance.now();
        const facts = trainee.rulesetMaker().against(doc);
        if (scores) {
            scoring(facts, trainee);
        }
        const fnodes = facts.get(type(vectorType));
        time = Math.round(performance.now() - started);
        for (const fnode of fnodes) {
            const element = fnode.element;
            const scores = fnode.scoresSoFarFor(vectorType);
            const features = featureNames.map(name => {
                const value = scores.get(name);
                if (typeof value !== 'number' || !Number.isFinite(value)) {  // NaN and ±Infinity too: JSON has neither
                    const what = value === undefined ? 'gave no score'
                        : typeof value === 'number' ? `returned ${value}, not a finite number,`
                        : `returned ${describeValue(value)}, not a number,`;
                    throw new RuleFailure(name, `${what} for ${startTag(element)}`);
                }
                return value;
            });
            const isTarget = trainee.isTarget ? Boolean(trainee.isTarget(fnode)) : element.dataset.fathom === id;
            found.push({element, isTarget, features, score: scores ? fnode.scoreFor(vectorType) : undefined});
        }
    } finally {
        restoreForms();  // markup shows the page as it was
    }
    const candidates = new Set(found.map(f => f.element));
    const nodes = found.map(({element, isTarget, features, score}) => ({isTarget, features, markup: startTag(element), score}));
    for (const element of doc.querySelectorAll('[data-fathom]')) {
        if (element.dataset.fathom === vectorType && !candidates.has(element)) {
            nodes.push({isTarget: true, pruned: true, features: [], markup: startTag(element)});
        }
    }
    return {nodes, time};
}

// Give forms their real properties back while the ruleset runs: each control
// whose name or id shadows one is taken out of its form (a `form` attribute naming
// no element) and put back by the returned function. Only those controls see the
// difference (their `form` is null meanwhile); the page's layout does not change.
function unshadowForms(doc) {
    const undo = [];
    for (const form of doc.querySelectorAll('form')) {
        const shadowing = Array.from(form.elements).filter(
            control => FORM_PROPERTIES.some(p => control.name === p || control.id === p));
        for (const control of shadowing) {
            const had = control.getAttribute('form');
            control.setAttribute('form', DETACHED_FORM);
            undo.push(() => had === null ? control.removeAttribute('form') : control.setAttribute('form', had));
        }
    }
    return () => undo.reverse().forEach(put => put());
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
            const result = vectorizeDocument(doc, id, trainee, vectorType, featureNames, options.firefox, options.scores);
            nodes.push(...result.nodes);
            time += result.time;
        }
    } catch (e) {
        // Not `instanceof Error`: an error thrown in an iframe comes from that frame's realm.
        const isError = e !== null && typeof e === 'object' && typeof e.message === 'string';
        const prefix = isError && e.name && e.name !== 'Error' && !(e instanceof RuleFailure) ? `${e.name}: ` : '';
        const message = isError ? prefix + e.message : `threw ${describeValue(e)}`;
        return {error: message.split('\n')[0], rule: e && e.corpusRule !== undefined ? String(e.corpusRule) : null};
    }
    return {nodes, time};
};
