import { prepareBrown } from './probe';
prepareBrown().then((d) => console.log(d.train.rows, d.test.rows, d.train.neurons, d.classes.length, d.classes.join(' ')));
