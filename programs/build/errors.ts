/** Every problem the offline SBF build can report: the message says what is wrong and how to fix it. */
export class SbfBuildError extends Error {
  override name = "SbfBuildError";
}
