package org.homocloud.he.serialization;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.homocloud.he.HeException;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeySet;
import org.homocloud.he.ckks.bootstrap.BootstrappingKeys;
import org.homocloud.he.ckks.bootstrap.BootstrappingParameters;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.RelinearizationKey;
import org.homocloud.he.rlwe.SwitchingKey;

/**
 * A bootstrapping key set (tag 10) in the binary format: the bootstrapping shape and the keys, each
 * key written with its own top level ("leveled" switching key body: level u8, then a body over Q
 * limbs 0..level with digitCount(level) digits), because bootstrapping keys are made only as tall as
 * they are used (SlotsToCoeffs' rotations low in the chain; the dense-to-sparse key at level 0, which
 * its security requires and this reader enforces). Gigabytes at logN 16: use the stream forms, and
 * {@link #check} to validate a stream key by key without keeping the keys.
 *
 * <p>Body: ctsLevels u8, stcLevels u8, evalModK u16, doubleAngles u8, cosineDegree u16,
 * ephemeralHammingWeight u32, logMessageRatio u8 (the shape, validated as
 * {@link BootstrappingParameters} does); flags u8 (bit 0: relinearization key, bit 1: the two
 * encapsulation keys, present exactly when the ephemeral weight is not 0); [relinearization key,
 * leveled]; Galois key count u32 (at most N); each Galois key: element u64 + leveled body, elements
 * strictly ascending; [dense-to-sparse key, leveled, level 0; sparse-to-dense key, leveled].
 */
public final class BootstrappingKeySetCodec extends ObjectCodec<BootstrappingKeySet> {

  private static final int HAS_RELINEARIZATION_KEY = 1;
  private static final int HAS_ENCAPSULATION_KEYS = 2;

  /** What a checked stream holds. */
  public record Summary(BootstrappingParameters parameters, boolean relinearizationKey, List<Long> galoisElements) {
  }

  public BootstrappingKeySetCodec(CkksParameters parameters) {
    super(parameters, ObjectType.BOOTSTRAPPING_KEY_SET);
  }

  /** Reads one bootstrapping key set from {@code in} key by key, keeping none: the stream's validation. */
  public Summary check(InputStream in) throws IOException {
    FormatReader reader = new FormatReader(in);
    Header.read(reader, ObjectType.BOOTSTRAPPING_KEY_SET, parameters());
    List<Long> elements = new ArrayList<>();
    Parsed parsed = readBody(reader, false, key -> elements.add(key.galoisElement()));
    return new Summary(parsed.shape, parsed.relinearization != null || parsed.hadRelinearization, elements);
  }

  @Override
  void writeBody(BootstrappingKeySet set, FormatWriter out) throws IOException {
    BootstrappingParameters p = set.parameters();
    checkSameChain(p);
    out.u8(p.ctsLevels());
    out.u8(p.stcLevels());
    out.u16(p.evalModK());
    out.u8(p.doubleAngles());
    out.u16(p.cosineDegree());
    out.u32(p.ephemeralHammingWeight());
    out.u8(p.logMessageRatio());
    BootstrappingKeys keys = set.keys();
    boolean relinearization = keys.evaluationKeys().relinearizationKey().isPresent();
    boolean encapsulation = keys.denseToSparse() != null;
    if (encapsulation != (p.ephemeralHammingWeight() > 0) || (keys.sparseToDense() != null) != encapsulation) {
      throw new HeException("encapsulation keys must be present exactly when the ephemeral Hamming weight is not 0");
    }
    out.u8((relinearization ? HAS_RELINEARIZATION_KEY : 0) | (encapsulation ? HAS_ENCAPSULATION_KEYS : 0));
    if (relinearization) {
      SwitchingKeyBody.writeLeveled(out, parameters(), keys.evaluationKeys().relinearizationKey().get().key(),
          "relinearization key");
    }
    out.u32(keys.evaluationKeys().galoisKeys().size());
    LeveledGaloisKeys.write(out, parameters(), keys.evaluationKeys().galoisKeys().values());
    if (encapsulation) {
      SwitchingKeyBody.writeLeveled(out, parameters(), keys.denseToSparse(), "dense-to-sparse key");
      SwitchingKeyBody.writeLeveled(out, parameters(), keys.sparseToDense(), "sparse-to-dense key");
    }
  }

  @Override
  BootstrappingKeySet readBody(FormatReader in) throws IOException {
    List<GaloisKey> galois = new ArrayList<>();
    Parsed parsed = readBody(in, true, galois::add);
    return new BootstrappingKeySet(parsed.shape, new BootstrappingKeys(
        new EvaluationKeySet(parsed.relinearization, galois), parsed.denseToSparse, parsed.sparseToDense));
  }

  @Override
  long bodySize(BootstrappingKeySet set) {
    long total = 1 + 1 + 2 + 1 + 2 + 4 + 1 + 1 + 4;
    BootstrappingKeys keys = set.keys();
    if (keys.evaluationKeys().relinearizationKey().isPresent()) {
      total += SwitchingKeyBody.leveledSize(parameters(), keys.evaluationKeys().relinearizationKey().get().key());
    }
    total += LeveledGaloisKeys.size(parameters(), keys.evaluationKeys().galoisKeys().values());
    if (keys.denseToSparse() != null) {
      total += SwitchingKeyBody.leveledSize(parameters(), keys.denseToSparse())
          + SwitchingKeyBody.leveledSize(parameters(), keys.sparseToDense());
    }
    return total;
  }

  private static final class Parsed {
    BootstrappingParameters shape;
    RelinearizationKey relinearization;
    boolean hadRelinearization;
    SwitchingKey denseToSparse;
    SwitchingKey sparseToDense;
  }

  /** Reads the body; keeps the other keys only when {@code keep}; hands each Galois key to {@code galois}. */
  private Parsed readBody(FormatReader in, boolean keep, Consumer<GaloisKey> galois) throws IOException {
    Parsed out = new Parsed();
    int cts = in.u8("CoeffsToSlots levels");
    int stc = in.u8("SlotsToCoeffs levels");
    int k = in.u16("EvalMod interval K");
    int doubleAngles = in.u8("double angles");
    int degree = in.u16("cosine degree");
    long weight = in.u32("ephemeral Hamming weight");
    int ratio = in.u8("log message ratio");
    if (k < 1 || k > 1024 || doubleAngles > 8 || degree < 1 || degree > 255 || weight > parameters().n()) {
      throw new HeException("bootstrapping shape out of range: K " + k + ", double angles " + doubleAngles
          + ", cosine degree " + degree + ", ephemeral weight " + weight);
    }
    out.shape = new BootstrappingParameters(parameters(), cts, stc, k, doubleAngles, degree, (int) weight, ratio);
    int flags = in.u8("bootstrapping key set flags");
    if ((flags & ~(HAS_RELINEARIZATION_KEY | HAS_ENCAPSULATION_KEYS)) != 0) {
      throw new HeException("bootstrapping key set flags " + flags + " use undefined bits (only bits 0 and 1 are defined)");
    }
    boolean encapsulation = (flags & HAS_ENCAPSULATION_KEYS) != 0;
    if (encapsulation != (weight > 0)) {
      throw new HeException("bootstrapping key set: encapsulation keys must be present exactly when the ephemeral "
          + "Hamming weight is not 0 (weight " + weight + ", flags " + flags + ")");
    }
    if ((flags & HAS_RELINEARIZATION_KEY) != 0) {
      out.hadRelinearization = true;
      SwitchingKey relinearization = SwitchingKeyBody.readLeveled(in, parameters(), "relinearization key");
      out.relinearization = keep ? new RelinearizationKey(relinearization) : null;
    }
    long count = LeveledGaloisKeys.readCount(in, parameters(), "bootstrapping key set");
    LeveledGaloisKeys.read(in, parameters(), count, galois);
    if (encapsulation) {
      SwitchingKey toSparse = SwitchingKeyBody.readLeveled(in, parameters(), "dense-to-sparse key");
      if (SwitchingKeyBody.level(toSparse) != 0) {
        // RLWE under a sparse secret with a large modulus is weak: this key must exist at level 0 only.
        throw new HeException("the dense-to-sparse key must be made at level 0 only; this one reaches level "
            + SwitchingKeyBody.level(toSparse));
      }
      SwitchingKey toDense = SwitchingKeyBody.readLeveled(in, parameters(), "sparse-to-dense key");
      if (keep) {
        out.denseToSparse = toSparse;
        out.sparseToDense = toDense;
      }
    }
    return out;
  }

  private void checkSameChain(BootstrappingParameters p) {
    if (!java.util.Arrays.equals(p.ckks().fingerprint(), parameters().fingerprint())) {
      throw new HeException("the bootstrapping parameters' chain differs from this codec's parameters");
    }
  }
}
