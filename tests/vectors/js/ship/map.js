// A ruleset with the weights inside the trainee, as `coeffs: new Map([...])`; the
// bias goes to ruleset() as its third argument. Ünïcode here shifts byte offsets: 🙂
import {dom, out, rule, ruleset, score, type} from 'fathom-web';

const trainees = new Map();
trainees.set('new', {
    coeffs: new Map([
        ['isPassword', 1],  // weights from the trainer
        ['namedNew', -1E+2],
        /* no weight for this one yet */ ['tiny', 0.5e-3],
    ]),
    viewportSize: {width: 640, height: 480},
    rulesetMaker: () => ruleset([
        rule(dom('input'), type('new')),
        rule(type('new'), score(fnode => fnode.element.type === 'password' ? 1 : 0), {name: 'isPassword'}),
        rule(type('new'), score(fnode => /new/.test(fnode.element.name) ? 1 : 0), {name: 'namedNew'}),
        rule(type('new'), score(fnode => fnode.element.id === 'a' ? 1 : 0), {name: 'tiny'}),
        rule(type('new'), out('new')),
    ], [], [['new', -3]]),
});

export default trainees;
