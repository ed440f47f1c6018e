/**
 * The annotations and enums a network is declared with. No dependencies: the runtime requires it
 * transitively, so a module that requires {@code dev.shortcut.runtime} reads it too.
 */
module dev.shortcut.annotations {
  exports dev.shortcut.annotations;
}
