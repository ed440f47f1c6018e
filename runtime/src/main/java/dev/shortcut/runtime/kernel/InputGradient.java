package dev.shortcut.runtime.kernel;

/**
 * What a backward kernel does with a gradient it passes on (to a layer's input, or to a shortcut's
 * source): the generated gradient plan decides, once per call site, whether that buffer already
 * holds another branch's part.
 */
public enum InputGradient {
  /** Write it, replacing what the buffer holds: the first branch to reach that activation. */
  OVERWRITE,
  /** Add it to what the buffer holds: a later branch reaching the same activation. */
  ACCUMULATE,
  /** Do not compute it: nobody reads it (the network's input, unless asked for). */
  SKIP
}
