package dev.modelserving.beam.training;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** Examples survive their coder, reference label included, and examples in older state still read. */
class ExampleCoderTest {
  @Test
  void roundTripsWithAndWithoutAReference() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(ExampleCoder.of(), new Example(new double[] {1.5, -2}, 2, 1, true, 77));
    CoderProperties.coderDecodeEncodeEqual(ExampleCoder.of(), new Example(new double[] {0}, 5.5, false, 78));
  }

  @Test
  void readsTheFormatWrittenBeforeReferenceLabels() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream old = new DataOutputStream(bytes);
    old.writeInt(2);
    old.writeDouble(1.5);
    old.writeDouble(-2);
    old.writeDouble(1);
    old.writeBoolean(true);
    old.writeLong(77);
    old.flush();
    Example e = CoderUtils.decodeFromByteArray(ExampleCoder.of(), bytes.toByteArray());
    assertThat(e, equalTo(new Example(new double[] {1.5, -2}, 1, true, 77)));
    assertThat(e.hasReference(), equalTo(false));
  }
}
