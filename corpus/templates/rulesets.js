/**
 * A Fathom ruleset, in the format FathomFox's Vectorizer and `fathom train` use:
 * an ES module importing fathom-web whose default export maps each trainee id (a
 * type from samples/rubric.md) to its rules, coefficients and viewport. This same
 * file ships in your product; corpus runs it in headless Chromium:
 *
 *     corpus vectorize training --trainee new-password --ruleset rulesets.js
 *     corpus train samples/training -a samples/validation --trainee new-password --ruleset rulesets.js
 *
 * After training, `corpus ship --trainee new-password` writes the weights in below.
 * Imports: fathom-web, fathom-web/clusters, fathom-web/utilsForFrontend (and
 * fathom-web's other modules), and your own files by relative path.
 */
import {dom, out, rule, ruleset, score, type} from 'fathom-web';
import {isVisible, linearScale} from 'fathom-web/utilsForFrontend';

const NEW = /new|create|choose|regist|sign.?up/i;
const CONFIRM = /confirm|repeat|again|retype|verify/i;
const LOGIN = /log.?in|sign.?in/i;

function idAndClasses(element) {
    return `${element.id} ${element.className}`;
}

function formOf(element) {
    return element.closest('form');
}

// The weights of the rules and the bias, in FathomFox's layout: `corpus train` finds them
// and `corpus ship` writes them here (only these numbers change).
const coefficients = {
    'new-password': [
        ['isPasswordField', 1],
        ['autocompleteSaysNew', 1],
        ['idOrClassSaysNew', 1],
        ['idOrClassSaysConfirm', 1],
        ['placeholderSaysNew', 1],
        ['formSaysLogin', -1],
        ['formHasSeveralPasswordFields', 1],
        ['isVisible', 1],
        ['nearTheTop', 1],
    ],
};
const biases = [
    ['new-password', 0],
];

function newPasswordRules() {
    return ruleset([
        // Candidates: every password field, and text fields a script may turn into one.
        rule(dom('input[type=password],input[type=text]'), type('new-password')),
        rule(type('new-password'), score(fnode => fnode.element.type === 'password' ? 1 : 0),
             {name: 'isPasswordField'}),
        rule(type('new-password'), score(fnode => fnode.element.getAttribute('autocomplete') === 'new-password' ? 1 : 0),
             {name: 'autocompleteSaysNew'}),
        rule(type('new-password'), score(fnode => NEW.test(idAndClasses(fnode.element)) ? 1 : 0),
             {name: 'idOrClassSaysNew'}),
        rule(type('new-password'), score(fnode => CONFIRM.test(idAndClasses(fnode.element)) ? 1 : 0),
             {name: 'idOrClassSaysConfirm'}),
        rule(type('new-password'), score(fnode => NEW.test(fnode.element.placeholder || '') ? 1 : 0),
             {name: 'placeholderSaysNew'}),
        rule(type('new-password'), score(fnode => {
            const form = formOf(fnode.element);
            return form !== null && LOGIN.test(`${form.id} ${form.className} ${form.getAttribute('action') || ''}`) ? 1 : 0;
        }), {name: 'formSaysLogin'}),
        rule(type('new-password'), score(fnode => {
            const form = formOf(fnode.element);
            return form !== null && form.querySelectorAll('input[type=password]').length >= 2 ? 1 : 0;
        }), {name: 'formHasSeveralPasswordFields'}),
        rule(type('new-password'), score(fnode => isVisible(fnode) ? 1 : 0), {name: 'isVisible'}),
        rule(type('new-password'), score(fnode => linearScale(fnode.element.getBoundingClientRect().top, 1500, 0)),
             {name: 'nearTheTop'}),
        rule(type('new-password'), out('new-password')),
    ], [...coefficients['new-password']], biases);
}

const trainees = new Map();
trainees.set('new-password', {
    // Feature order is the order of the coefficients above.
    coeffs: new Map(coefficients['new-password']),
    viewportSize: {width: 1366, height: 768},
    // A target is an element labeled data-fathom="new-password"; define
    // isTarget: fnode => ... to count other label values too.
    rulesetMaker: newPasswordRules,
});

export default trainees;
