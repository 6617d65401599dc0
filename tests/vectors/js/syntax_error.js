import {ruleset} from 'fathom-web';
const trainees = new Map(;
export default trainees;
