/* A ruleset laid out as Firefox's NewPasswordModel: coefficients and biases in
 * module-level constants, the trainee's coeffs a Map made from them. */
import {dom, out, rule, ruleset, score, type} from 'fathom-web';

// Run me with confidence cutoff = 0.75.
const coefficients = {
  "new": [
    ["isPassword", 2.4876835346221924],
    // a comment inside the array
    ["namedNew", -0.5231], /* and another */
    ["tiny", 1e-7],
  ],
};

const biases = [
  ["new", 0.1826],
];

function makeRuleset(coeffs, biases) {
  return ruleset([
    rule(dom('input'), type('new')),
    rule(type('new'), score(fnode => fnode.element.type === 'password' ? 1 : 0), {name: 'isPassword'}),
    rule(type('new'), score(fnode => /new/.test(fnode.element.name) ? 1 : 0), {name: 'namedNew'}),
    rule(type('new'), score(fnode => fnode.element.id === 'a' ? 1 : 0), {name: 'tiny'}),
    rule(type('new'), out('new')),
  ], coeffs, biases);
}

const trainees = new Map();
trainees.set("new", {
  coeffs: new Map(coefficients["new"]),
  viewportSize: {width: 640, height: 480},
  vectorType: "new",
  rulesetMaker: () => makeRuleset([...coefficients["new"]], biases),
});

export default trainees;
