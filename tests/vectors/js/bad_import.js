import {ruleset} from 'fathom-web';
import _ from 'lodash';
export default new Map();
