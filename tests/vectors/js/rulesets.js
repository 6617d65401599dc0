// Test rulesets for tests/vectors/test_js_ruleset.py: each trainee exercises a
// part of fathom-web and of FathomFox's Vectorizer; the expected vectors are
// worked out by hand in the test from the pages it writes.
import {dom, element, note, out, rule, ruleset, score, type} from 'fathom-web';
import {clusters, euclidean} from 'fathom-web/clusters';
import {isVisible} from 'fathom-web/utilsForFrontend';
import {byId, othersOf} from './helpers/shared.js';

const trainees = new Map();

trainees.set('password', {
    // Deliberately not in rule order: featureNames follow coeffs.
    coeffs: new Map([['visible', 1], ['isPassword', 2], ['named', 3], ['viewport', 4],
                     ['scriptRan', 5], ['formAction', 6]]),
    viewportSize: {width: 640, height: 480},
    rulesetMaker: () => ruleset([
        // Sloppy, as real rulesets are: no closing parenthesis; browsers accept it.
        rule(dom('input:not([type=hidden]'), type('password')),
        rule(dom('input'), note(fnode => fnode.element.name).type('named')),
        rule(type('password'), score(fnode => fnode.element.type === 'password' ? 1 : 0), {name: 'isPassword'}),
        rule(type('password'), score(fnode => isVisible(fnode) ? 1 : 0), {name: 'visible'}),
        rule(type('password'), score(fnode => fnode.noteFor('named') ? 1 : 0), {name: 'named'}),
        rule(type('password'), score(() => window.innerWidth === 640 && window.innerHeight === 480 ? 1 : 0), {name: 'viewport'}),
        rule(type('password'), score(() => document.documentElement.dataset.ran ? 1 : 0), {name: 'scriptRan'}),
        rule(type('password'), score(fnode => fnode.element.form && fnode.element.form.action === 'http://localhost:8000/go' ? 1 : 0), {name: 'formAction'}),
        rule(type('password'), out('password')),
    ]),
});

function spreadRules(typeName) {
    return () => ruleset([
        rule(dom('input:not([type=hidden])'), type(typeName)),
        rule(type(typeName), score(fnode => Math.max(...othersOf(fnode.element).map(e => euclidean(fnode.element, e))) / 1000), {name: 'farthest'}),
        rule(type(typeName), score(fnode => {
            const inputs = Array.from(fnode.element.ownerDocument.querySelectorAll('input:not([type=hidden])'));
            const found = clusters(inputs, 100, euclidean).find(c => c.includes(fnode.element));
            return found.length / 10;
        }), {name: 'clusterSize'}),
        rule(type(typeName), score(fnode => fnode.element === byId(fnode.element, 'a') ? 1 : 0), {name: 'isA'}),
        rule(type(typeName), out(typeName)),
    ]);
}

trainees.set('spread', {coeffs: new Map([['farthest', 1], ['clusterSize', 1], ['isA', 1]]),
                        viewportSize: {width: 640, height: 480}, rulesetMaker: spreadRules('spread')});
// Firefox's new-password trainee counts two label values as targets.
trainees.set('new', {coeffs: new Map([['isA', 1]]), viewportSize: {width: 640, height: 480},
                     rulesetMaker: spreadRules('new'),
                     isTarget: fnode => ['new', 'confirm'].includes(fnode.element.dataset.fathom)});
// vectorType differs from the id: default isTarget compares labels with the id.
trainees.set('alias', {coeffs: new Map([['isA', 1]]), viewportSize: {width: 640, height: 480},
                       vectorType: 'new', rulesetMaker: spreadRules('new')});

trainees.set('firefox', {
    coeffs: new Map([['belowFold', 1], ['autocompleteEmpty', 1], ['actionIsUrl', 1], ['formName', 1]]),
    viewportSize: {width: 640, height: 480},
    rulesetMaker: () => ruleset([
        rule(dom('input[type=password]'), type('firefox')),
        rule(type('firefox'), score(fnode => fnode.element.getBoundingClientRect().top >= 480 ? 1 : 0), {name: 'belowFold'}),
        rule(type('firefox'), score(fnode => fnode.element.autocomplete === '' ? 1 : 0), {name: 'autocompleteEmpty'}),
        rule(type('firefox'), score(fnode => fnode.element.form.action === 'http://localhost:8000/signin' ? 1 : 0), {name: 'actionIsUrl'}),
        rule(type('firefox'), score(fnode => fnode.element.form.name === 'login' ? 1 : 0), {name: 'formName'}),
        rule(type('firefox'), out('firefox')),
    ]),
});

trainees.set('fragile', {
    coeffs: new Map([['risky', 1]]),
    rulesetMaker: () => ruleset([
        rule(dom('input'), type('fragile')),
        rule(type('fragile'), score(fnode => {
            if (fnode.element.id === 'boom') {
                throw new Error('kaboom on purpose');
            }
            return fnode.element.id === 'str' ? 'high' : 1;
        }), {name: 'risky'}),
        rule(type('fragile'), out('fragile')),
    ]),
});

// A rule scoring Infinity (1/0) on #boom: that page fails, the others are written.
trainees.set('infinite', {
    coeffs: new Map([['huge', 1]]),
    rulesetMaker: () => ruleset([
        rule(dom('input'), type('infinite')),
        rule(type('infinite'), score(fnode => fnode.element.id === 'boom' ? 1 / 0 : 1), {name: 'huge'}),
        rule(type('infinite'), out('infinite')),
    ]),
});

// Which images loaded: the sandbox serves a page's own resources and nothing else.
trainees.set('images', {
    coeffs: new Map([['loaded', 1]]),
    rulesetMaker: () => ruleset([
        rule(dom('img'), type('images')),
        rule(type('images'), score(fnode => fnode.element.complete && fnode.element.naturalWidth > 0 ? 1 : 0), {name: 'loaded'}),
        rule(type('images'), out('images')),
    ]),
});

// element() matches the root passed to against(); FathomFox passes the document.
trainees.set('page', {
    coeffs: new Map([['always', 1]]),
    rulesetMaker: () => ruleset([
        rule(element('html'), type('page'), {name: 'pageRule'}),
        rule(type('page'), score(1), {name: 'always'}),
        rule(type('page'), out('page')),
    ]),
});

export default trainees;
