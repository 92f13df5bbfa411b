// Saved results placeholder; filled in below.
export class ResultsStore {}
