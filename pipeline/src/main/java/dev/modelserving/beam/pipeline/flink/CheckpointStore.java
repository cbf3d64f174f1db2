package dev.modelserving.beam.pipeline.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoints of one pipeline on a local file system: {@code <pipeline dir>/<Flink job
 * id>/chk-<n>/_metadata}, one job directory per run. Flink retains the newest checkpoint of a run
 * when the run is cancelled or dies; the next run restores the newest of them all.
 */
public final class CheckpointStore {
  private static final String METADATA = "_metadata";

  private final Path dir;

  private CheckpointStore(Path dir) {
    this.dir = dir;
  }

  /** The store at {@code location}: a local path or a {@code file:} URI; empty for another file system. */
  public static Optional<CheckpointStore> at(String location) {
    if (location.contains("://") && !location.startsWith("file:")) {
      return Optional.empty();
    }
    Path path = location.startsWith("file:") ? Paths.get(URI.create(location)) : Paths.get(location);
    return Optional.of(new CheckpointStore(path.toAbsolutePath()));
  }

  /** The directory, as the URI Flink's {@code state.checkpoints.dir} takes. */
  public String uri() {
    return dir.toUri().toString();
  }

  public Path dir() {
    return dir;
  }

  /** The newest complete checkpoint (a {@code chk-<n>} directory with its metadata), if any. */
  public Optional<Path> latest() {
    return completed().stream().max(Comparator.comparing(CheckpointStore::written)).map(Path::getParent);
  }

  /**
   * Deletes the job directories whose checkpoints are all older than {@code kept}: runs that an
   * earlier restore superseded. The newest is kept, as the run that restores it still needs it
   * until its own first checkpoint.
   */
  public int deleteOlderThan(Path kept) {
    FileTime keptTime = written(kept.resolve(METADATA));
    Path keptJob = kept.getParent();
    int deleted = 0;
    for (Path job : jobDirs()) {
      if (!job.equals(keptJob) && newest(job).map(t -> t.compareTo(keptTime) < 0).orElse(false)) {
        deleteTree(job);
        deleted++;
      }
    }
    return deleted;
  }

  private List<Path> completed() {
    List<Path> out = new ArrayList<>();
    for (Path job : jobDirs()) {
      out.addAll(metadataFiles(job));
    }
    return out;
  }

  private Optional<FileTime> newest(Path job) {
    return metadataFiles(job).stream().map(CheckpointStore::written).max(Comparator.naturalOrder());
  }

  private List<Path> jobDirs() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> jobs = Files.list(dir)) {
      return jobs.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the checkpoint directory " + dir, e);
    }
  }

  private static List<Path> metadataFiles(Path job) {
    try (Stream<Path> chks = Files.list(job)) {
      return chks.filter(p -> p.getFileName().toString().startsWith("chk-"))
          .map(p -> p.resolve(METADATA))
          .filter(Files::isRegularFile)
          .toList();
    } catch (IOException e) {
      return List.of(); // a run's directory being deleted or written; not a checkpoint to restore
    }
  }

  private static FileTime written(Path metadata) {
    try {
      return Files.getLastModifiedTime(metadata);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the superseded checkpoints in " + root, e);
    }
  }
}
