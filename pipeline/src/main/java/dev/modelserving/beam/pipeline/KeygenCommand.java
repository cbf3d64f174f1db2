package dev.modelserving.beam.pipeline;

import dev.modelserving.beam.model.SigningKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code keygen} command: makes an Ed25519 key pair for signed models, {@code <dir>/<keyId>.key}
 * (the private key, readable by its owner only: give it to {@code publish-model --signingKey}) and
 * {@code <dir>/<keyId>.pub} (the public key: give it, or its directory, to the pipeline's {@code
 * --trustedKeys}).
 */
public final class KeygenCommand {
  static final String USAGE = String.join("\n",
      "Usage: keygen [--keyId ID] [--dir DIR]",
      "",
      "Makes an Ed25519 key pair for signing models: DIR/ID.key, the private key (readable by you only; keep it",
      "where models are published, never on the workers) and DIR/ID.pub, the public key (the pipeline's --trustedKeys).",
      "Existing files are never overwritten.",
      "  --keyId ID   the key's id, carried by every model it signs (letters, digits, '.', '_', '-';",
      "               default: 16 hex digits of the public key's SHA-256)",
      "  --dir DIR    where to write the two files (default: the current directory)",
      "  --help       print this help");

  private KeygenCommand() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the command and returns its exit status: 0 ok, 1 failure, 2 bad arguments. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options;
    try {
      options = dev.modelserving.beam.pipeline.kafka.PublishModelCommand.parseOptions(
          args, Set.of("keyId", "dir"), Set.of(), Set.of());
    } catch (IllegalArgumentException e) {
      err.println("keygen: " + e.getMessage());
      err.println("Run with --help for the options.");
      return 2;
    }
    if (options.containsKey("help")) {
      out.println(USAGE);
      return 0;
    }
    KeyPair pair = SigningKeys.generate();
    String keyId = options.getOrDefault("keyId", SigningKeys.fingerprint(pair.getPublic()));
    try {
      List<Path> files = SigningKeys.write(pair, keyId, Path.of(options.getOrDefault("dir", ".")));
      out.println("key id:      " + keyId);
      out.println("private key: " + files.get(0) + "  (publish-model --signingKey=" + files.get(0) + ")");
      out.println("public key:  " + files.get(1) + "  (serve --trustedKeys=" + files.get(1) + ")");
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("keygen: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("keygen: " + e.getMessage());
      return 1;
    }
  }
}
