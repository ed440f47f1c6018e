/** A user's module: it requires the runtime, which brings the annotations with it. */
module com.example.modular {
  requires dev.shortcut.runtime;

  exports com.example.modular;
}
