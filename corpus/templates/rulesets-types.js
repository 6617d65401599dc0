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
 * apart. Paste the trained `coeffs` and `bias` (models/<type>.json) back below.
 */
import {dom, out, rule, ruleset, score, type} from 'fathom-web';
import {isVisible, linearScale} from 'fathom-web/utilsForFrontend';

const TYPES = ["type-a"];

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
    ]);
}

const trainees = new Map();
for (const name of TYPES) {
    trainees.set(name, {
        // Feature order is the order of these keys; the weights come from `corpus train`.
        coeffs: new Map([['isVisible', 1], ['nearTheTop', 1]]),
        viewportSize: {width: 1366, height: 768},
        // A target is an element labeled data-fathom="<name>".
        rulesetMaker: () => rulesFor(name),
    });
}

export default trainees;
