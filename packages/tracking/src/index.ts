// Open and click tracking, the pure parts: signed tokens, the pixel, machine-or-human classification.
export * from './tracking-keys';
export * from './tracking-token';
export * from './pixel';
export * from './ip-ranges';
export * from './shipped-ranges';
export * from './classify-event';
export * from './plan-tracking';
export * from './instrument-html';
