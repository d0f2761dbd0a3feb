package org.homocloud.fhir.packing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.homocloud.he.ckks.PrecisionStats;
import org.homocloud.he.rlwe.Ciphertext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packing against plaintext: values written as parts, repacked, and read back one record at a time. */
class PackingTest {

  @TempDir
  Path dir;

  PackingFixture fixture;
  KeySetEngine engine;

  @BeforeEach
  void open() {
    fixture = new PackingFixture(dir);
    engine = fixture.registerKeySet("team");
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void singleWritesAndABatch_shareOneGroup_andRepackIntoOneCiphertext_thatStillHoldsEveryValue() {
    Random random = new Random(3);
    List<Double> expected = new ArrayList<>();
    List<ValueLocation> locations = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // forty single POSTs: one-value parts
      double v = 50 + 100 * random.nextDouble();
      expected.add(v);
      locations.addAll(fixture.writer.write(engine, new double[] {v}));
    }
    double[] batch = new double[100]; // one transaction Bundle: one part
    for (int i = 0; i < batch.length; i++) {
      batch[i] = 1 + 10 * random.nextDouble();
      expected.add(batch[i]);
    }
    locations.addAll(fixture.writer.write(engine, batch));

    assertThat(locations).extracting(ValueLocation::groupId).containsOnly(locations.get(0).groupId());
    assertThat(locations).extracting(ValueLocation::slot).doesNotHaveDuplicates();
    assertThat(fixture.index.parts(locations.get(0).groupId())).hasSize(41);
    long blobBytesBefore = liveBytes(locations.get(0).groupId());

    assertThat(fixture.repacker.repackAll()).isEqualTo(1);

    assertThat(fixture.index.parts(locations.get(0).groupId())).isEmpty();
    PackingGroup group = fixture.index.group(locations.get(0).groupId()).orElseThrow();
    assertThat(group.packedBlob()).isNotNull();
    long blobBytesAfter = liveBytes(locations.get(0).groupId());
    double[] packed = fixture.decrypt(engine.codec().fromBytes(fixture.store.get(group.packedBlob())));
    double[] want = new double[expected.size()];
    double[] got = new double[expected.size()];
    for (int i = 0; i < want.length; i++) {
      want[i] = expected.get(i);
      got[i] = packed[locations.get(i).slot()];
    }
    PrecisionStats stats = PrecisionStats.of(want, got);
    System.out.printf("packed %d values from 41 parts: %s; ciphertext bytes %d -> %d%n", want.length, stats,
        blobBytesBefore, blobBytesAfter);
    assertThat(stats.minBits()).isGreaterThanOrEqualTo(20);
    assertThat(blobBytesAfter).isLessThan(blobBytesBefore / 20);
  }

  @Test
  void repackingTwice_foldsNewPartsIntoThePackedCiphertext() {
    ValueLocation first = fixture.writer.write(engine, new double[] {11.5}).get(0);
    fixture.writer.write(engine, new double[] {12.5});
    String firstPart = fixture.index.parts(first.groupId()).get(0).blobId();
    fixture.repacker.repackAll();
    assertThat(fixture.store.exists(firstPart)).as("kept for the grace period").isTrue();
    assertThat(fixture.repacker.collectGarbage(0)).isEqualTo(2);
    assertThat(fixture.store.exists(firstPart)).isFalse();
    ValueLocation third = fixture.writer.write(engine, new double[] {13.5}).get(0);

    assertThat(fixture.decrypt(third)).as("readable as a part before repacking").isCloseTo(13.5, within());
    assertThat(fixture.repacker.repackAll()).isEqualTo(1);
    assertThat(fixture.repacker.repackAll()).as("nothing left to fold").isZero();

    assertThat(fixture.decrypt(first)).isCloseTo(11.5, within());
    assertThat(fixture.decrypt(third)).isCloseTo(13.5, within());
  }

  @Test
  void aRecordLevelRead_holdsThatValueOnly() {
    double[] values = new double[64];
    for (int i = 0; i < values.length; i++) {
      values[i] = 100 + i;
    }
    List<ValueLocation> locations = fixture.writer.write(engine, values);
    fixture.repacker.repackAll();
    ValueLocation chosen = locations.get(17);

    Ciphertext isolated = fixture.reader.isolated(chosen);
    double[] slots = fixture.decrypt(isolated);

    assertThat(slots[chosen.slot()]).isCloseTo(117, within());
    double largestOther = 0;
    for (int i = 0; i < slots.length; i++) {
      if (i != chosen.slot()) {
        largestOther = Math.max(largestOther, Math.abs(slots[i]));
      }
    }
    System.out.printf("record-level read: slot %d = %.9f, largest other slot %.3g%n", chosen.slot(),
        slots[chosen.slot()], largestOther);
    assertThat(largestOther).as("no other value (all >= 100) survives, only flooding noise").isLessThan(1e-5);
  }

  @Test
  void groupsFill_andTheNextValueOpensANewOne() {
    int slots = engine.slotCount();
    List<ValueLocation> locations = fixture.writer.write(engine, new double[slots + 3]);

    assertThat(locations).hasSize(slots + 3);
    assertThat(locations.get(slots - 1).groupId()).isEqualTo(locations.get(0).groupId());
    assertThat(locations.get(slots).groupId()).isNotEqualTo(locations.get(0).groupId());
    assertThat(locations.get(slots).slot()).isZero();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-4);
  }

  /** Bytes of the ciphertexts a group holds now: its packed blob and its parts. */
  private long liveBytes(String groupId) {
    long bytes = 0;
    String packed = fixture.index.group(groupId).orElseThrow().packedBlob();
    if (packed != null) {
      bytes += fixture.store.get(packed).length;
    }
    for (PackingPart part : fixture.index.parts(groupId)) {
      bytes += fixture.store.get(part.blobId()).length;
    }
    return bytes;
  }
}
