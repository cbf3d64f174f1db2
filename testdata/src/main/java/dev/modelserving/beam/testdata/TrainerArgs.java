package dev.modelserving.beam.testdata;

import java.nio.file.Path;
import java.nio.file.Paths;

/** The command line of every trainer: {@code [data csv] [output dir] [seed]}, with the committed defaults. */
public final class TrainerArgs {
  public static final String DEFAULT_DATA = "testdata/files/wine.csv";
  public static final String DEFAULT_OUT_DIR = "testdata/files/models";
  public static final long DEFAULT_SEED = 42L;

  public final Path data;
  public final Path outDir;
  public final long seed;

  private TrainerArgs(Path data, Path outDir, long seed) {
    this.data = data;
    this.outDir = outDir;
    this.seed = seed;
  }

  public static TrainerArgs parse(String[] args) {
    return new TrainerArgs(
        Paths.get(args.length > 0 ? args[0] : DEFAULT_DATA),
        Paths.get(args.length > 1 ? args[1] : DEFAULT_OUT_DIR),
        args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED);
  }
}
