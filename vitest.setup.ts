import fc from 'fast-check';

// Property tests run from a fixed seed so that CI is reproducible; KERASGPU_PROPERTY_SEED=random
// (or a number) explores other cases. A failure prints the seed and path to replay it.
const seedEnv = process.env.KERASGPU_PROPERTY_SEED;
if (seedEnv !== 'random') fc.configureGlobal({ seed: seedEnv === undefined ? 20261127 : Number(seedEnv) });
