package dev.modelserving.beam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.modelserving.beam.model.proto.ModelDescriptor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing local file or a pattern is refused before Beam's local file system searches the
 * directories under the parent for it (under "/" that takes as long as the whole machine's tree).
 */
class LocalFilesTest {
  @TempDir
  Path dir;

  @Test
  void plainLocalPathsAreRecognisedAndOthersLeftToBeam() {
    assertThat(LocalFiles.plainPath("/data/wine.csv"), equalTo(Paths.get("/data/wine.csv")));
    assertThat(LocalFiles.plainPath("file:///data/wine.csv"), equalTo(Paths.get("/data/wine.csv")));
    assertThat(LocalFiles.plainPath("data/*.csv"), nullValue());
    assertThat(LocalFiles.plainPath("gs://bucket/wine.csv"), nullValue());
  }

  @Test
  void aMissingFileIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LocalFiles.requireExisting("--inputFile", "/no-such-dir/wine.csv"));
    assertThat(e.getMessage(), equalTo("--inputFile: no such file: /no-such-dir/wine.csv"));
    LocalFiles.requireExisting("--inputFile", dir.toString());
  }

  @Test
  @Timeout(10)
  void aModelAtAMissingLocationOrAPatternFailsAtOnceWithTheReason() throws Exception {
    String missing = "file:///no-such-model-" + System.nanoTime() + ".pmml";
    ModelDescriptor byLocation = ModelDescriptor.newBuilder().setName("m").setVersion("1").setFormat("pmml")
        .setLocation(missing).build();
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDescriptors.resolveLocation(byLocation));
    assertThat(e.getMessage(), containsString("no such file: " + missing));
    assertThrows(FileNotFoundException.class, () -> LocalFiles.checkModelLocation(missing));
    IOException pattern = assertThrows(IOException.class, () -> LocalFiles.checkModelLocation("file:///models/*.pmml"));
    assertThat(pattern.getMessage(), containsString("names one file, not a pattern"));

    Path model = Files.writeString(dir.resolve("m.pmml"), "<PMML/>");
    ModelDescriptor resolved = ModelDescriptors.resolveLocation(byLocation.toBuilder().setLocation(model.toUri().toString()).build());
    assertThat(resolved.getModelBytes(), equalTo(ByteString.copyFromUtf8("<PMML/>")));
  }
}
