package dev.modelserving.beam.model;

/** A model could not be loaded; the message says why, for the model-error output. */
public class ModelLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
