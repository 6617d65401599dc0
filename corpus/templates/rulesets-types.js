/**
 * A Fathom ruleset, in the format FathomFox's Vectorizer and `fathom train` use:
 * an ES module importing fathom-web whose default export maps each trainee id (a
 * type from samples/rubric.md) to its rules, coefficients and viewport. This same
 * file ships in your product; corpus runs it in headless Chromium:
 *
 *     corpus vectorize training --trainee TYPE --ruleset rulesets.js
 *     corpus train samples/training -a samples/validation --trainee TYPE --ruleset rulesets.js
 *
 * `corpus init --types` wrote one trainee per type with two rules any element
 * has; narrow each type's candidates and add the rules that tell its targets
 * apart. After training, `corpus ship --trainee TYPE` writes the weights in below.
 */
import {dom, out, rule, ruleset, score, type} from 'fathom-web';
import {isVisible, linearScale} from 'fathom-web/utilsForFrontend';

// The weights of each type's rules and its bias, in FathomFox's layout: `corpus train`
// finds them and `corpus ship --trainee TYPE` writes them here (only these numbers change).
const coefficients = {
    "type-a": [['isVisible', 1], ['nearTheTop', 1]],
};
const biases = [
    ["type-a", 0],
];

// Candidates: every element of the body. Narrow this to what a target can be
// (say 'input,button' or 'article,main'): fewer candidates, faster and better models.
const CANDIDATES = 'body *';

function rulesFor(name) {
    return ruleset([
        rule(dom(CANDIDATES), type(name)),
        rule(type(name), score(fnode => isVisible(fnode) ? 1 : 0), {name: 'isVisible'}),
        rule(type(name), score(fnode => linearScale(fnode.element.getBoundingClientRect().top, 1500, 0)),
             {name: 'nearTheTop'}),
        rule(type(name), out(name)),
    ], [...coefficients[name]], biases);
}

// One trainee per type; feature order is the order of its coefficients. A target is an
// element labeled data-fathom="<type>".
const trainees = new Map();
trainees.set("type-a", {coeffs: new Map(coefficients["type-a"]), viewportSize: {width: 1366, height: 768}, rulesetMaker: () => rulesFor("type-a")});

export default trainees;
