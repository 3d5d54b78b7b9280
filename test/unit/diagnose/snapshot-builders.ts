// The builders moved to test/support/ so that the corpus converter (shared with bench:accuracy) can use them.
export * from '../../support/snapshot-builders.js';
