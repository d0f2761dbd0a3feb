package org.homocloud.he.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.IntStream;
import org.homocloud.he.ckks.CkksParameters;
import org.homocloud.he.ckks.Encoder;
import org.homocloud.he.ckks.Evaluator;
import org.homocloud.he.ckks.Rotations;
import org.homocloud.he.ring.Automorphism;
import org.homocloud.he.ring.BasisExtender;
import org.homocloud.he.ring.CrtReconstruction;
import org.homocloud.he.ring.Modulus;
import org.homocloud.he.ring.Parallelism;
import org.homocloud.he.ring.RnsPoly;
import org.homocloud.he.ring.RnsRing;
import org.homocloud.he.ring.sampling.GaussianSampler;
import org.homocloud.he.ring.sampling.TernarySampler;
import org.homocloud.he.ring.sampling.Xof;
import org.homocloud.he.rlwe.Ciphertext;
import org.homocloud.he.rlwe.Decryptor;
import org.homocloud.he.rlwe.Encryptor;
import org.homocloud.he.rlwe.EvaluationKeySet;
import org.homocloud.he.rlwe.GaloisKey;
import org.homocloud.he.rlwe.KeyGenerator;
import org.homocloud.he.rlwe.KeySwitcher;
import org.homocloud.he.rlwe.Plaintext;
import org.homocloud.he.rlwe.SecretKey;
import org.homocloud.he.rlwe.SwitchingKey;

/**
 * Where the time of each operation goes: times the phases of encode, encrypt, decrypt, key
 * switching (ModUp = INTT, basis extension, NTT; inner product; ModDown), multiplication and
 * rotation, each on its own with the engine's public kernels, at the top level of one preset.
 * Phases are re-run rather than instrumented, so they add up to the whole only roughly (the
 * whole also pays allocation and GC). Prints {@code "kind":"phase"} JSON lines.
 */
final class PhaseProfile {

  private final CkksParameters params;
  private final int warmups;
  private final int runs;
  private final PrintStream out;
  private final PrintStream log;

  PhaseProfile(CkksParameters params, int warmups, int runs, PrintStream out, PrintStream log) {
    this.params = params;
    this.warmups = warmups;
    this.runs = runs;
    this.out = out;
    this.log = log;
  }

  void run(int[] threadCounts) {
    int logN = params.logN();
    log.printf("phase profile: logN %d, generating keys%n", logN);
    KeyGenerator keyGenerator = new KeyGenerator(params.rlwe());
    SecretKey sk = keyGenerator.generateSecretKey();
    long rotateBy1 = Rotations.galoisElement(logN, 1);
    GaloisKey galois = keyGenerator.generateGaloisKey(sk, rotateBy1);
    EvaluationKeySet keys = new EvaluationKeySet(keyGenerator.generateRelinearizationKey(sk), List.of(galois));
    SwitchingKey rlk = keys.relinearizationKey().orElseThrow().key();
    Encoder encoder = new Encoder(params);
    Encryptor encryptor = Encryptor.withPublicKey(keyGenerator.generatePublicKey(sk));
    Decryptor decryptor = new Decryptor(sk);
    double[] a = EngineBench.uniform(params.slots(), 1);
    Plaintext pt = encoder.encode(a);
    Ciphertext ct = encryptor.encrypt(pt);
    Ciphertext ct2 = encryptor.encrypt(encoder.encode(EngineBench.uniform(params.slots(), 2)));
    int limbs = params.maxLevel() + 1;
    int n = params.n();

    for (int threads : threadCounts) {
      Parallelism parallelism = Parallelism.threads(threads);
      RnsRing ringQ = params.rlwe().ringQ().withParallelism(parallelism);
      RnsRing ringP = params.rlwe().ringP().withParallelism(parallelism);
      int pLimbs = ringP.primeCount();
      Evaluator evaluator = new Evaluator(params, keys, parallelism);
      KeySwitcher keySwitcher = new KeySwitcher(params.rlwe(), parallelism);
      Phases phases = new Phases(logN, limbs, threads);
      Encoder encoderT = new Encoder(params, parallelism);
      Encryptor encryptorT = Encryptor.withPublicKey(keyGenerator.generatePublicKey(sk), parallelism);
      Decryptor decryptorT = new Decryptor(sk, parallelism);

      // ---- generic kernels, per limb count used below
      phases.time("kernel.ntt_forward_all_q_limbs", () -> ct.poly(1).copy(), p -> {
        ringQ.ntt(p);
        return p;
      });
      phases.time("kernel.intt_all_q_limbs", () -> ct.poly(1).copy(), p -> {
        ringQ.intt(p);
        return p;
      });
      phases.time("kernel.alloc_q_poly", () -> null, x -> ringQ.newPoly(limbs));

      // ---- encode
      phases.time("encode.total", () -> null, x -> encoderT.encode(a));
      long[] rounded = new long[n];
      for (int i = 0; i < n; i++) {
        rounded[i] = Math.round(a[i % a.length] * params.defaultScale() / 8);
      }
      phases.time("encode.set_coefficients", () -> ringQ.newPoly(limbs), p -> {
        ringQ.setCoefficients(rounded, p);
        return p;
      });
      phases.time("encode.ntt", () -> pt.value().copy(), p -> {
        ringQ.ntt(p);
        return p;
      });

      // ---- encrypt
      phases.time("encrypt.total", () -> null, x -> encryptorT.encrypt(pt));
      GaussianSampler gaussian = new GaussianSampler(params.rlwe().sigma());
      phases.time("encrypt.sample_ternary", Xof::fromSecureSeed, xof -> TernarySampler.dense(n, xof));
      phases.time("encrypt.sample_gaussian_x2", Xof::fromSecureSeed, xof -> {
        gaussian.sample(n, xof);
        return gaussian.sample(n, xof);
      });
      phases.time("encrypt.set_coefficients_and_ntt_x3", () -> ringQ.newPoly(limbs), p -> {
        for (int k = 0; k < 3; k++) {
          ringQ.setCoefficients(rounded, p);
          ringQ.ntt(p);
        }
        return p;
      });
      phases.time("encrypt.mul_add_x2", () -> ct.poly(0).copy(), p -> {
        ringQ.mulMontgomeryAdd(ct2.poly(0), ct2.poly(1), p);
        ringQ.mulMontgomeryAdd(ct2.poly(0), ct2.poly(1), p);
        return p;
      });

      // ---- decrypt
      phases.time("decrypt.total", () -> null, x -> encoderT.decode(decryptorT.decrypt(ct)));
      phases.time("decrypt.decrypt_only", () -> null, x -> decryptorT.decrypt(ct));
      CrtReconstruction crt = new CrtReconstruction(ringQ);
      RnsPoly coefficients = decryptor.decrypt(ct).value().copy();
      params.rlwe().ringQ().intt(coefficients);
      phases.time("decrypt.intt", () -> ct.poly(0).copy(), p -> {
        ringQ.intt(p);
        return p;
      });
      phases.time("decrypt.crt_to_doubles", () -> coefficients, crt::toCenteredDoubles);

      // ---- key switching (relinearization key, top level), phase by phase
      RnsPoly c = ct.poly(1);
      int alpha = params.rlwe().primesPerDigit();
      int digits = params.rlwe().digitCount(limbs - 1);
      Modulus[] qModuli = moduli(ringQ, 0, limbs);
      Modulus[] pModuli = moduli(ringP, 0, pLimbs);
      BasisExtender[] toQ = new BasisExtender[digits];
      BasisExtender[] toP = new BasisExtender[digits];
      int[][] qTargets = new int[digits][];
      for (int j = 0; j < digits; j++) {
        int start = j * alpha;
        int end = Math.min(start + alpha, limbs);
        toQ[j] = new BasisExtender(moduli(ringQ, start, end - start), qModuli);
        toP[j] = new BasisExtender(moduli(ringQ, start, end - start), pModuli);
        qTargets[j] = IntStream.range(0, limbs).filter(i -> i < start || i >= end).toArray();
      }
      int[] allP = IntStream.range(0, pLimbs).toArray();
      int[] allQ = IntStream.range(0, limbs).toArray();
      RnsPoly cCoefficients = c.copy();
      ringQ.intt(cCoefficients);
      phases.time("keyswitch.modup.total", () -> null, x -> keySwitcher.decompose(c));
      phases.time("keyswitch.modup.intt", c::copy, p -> {
        ringQ.intt(p);
        return p;
      });
      phases.time("keyswitch.modup.basis_extension", () -> null, x -> {
        RnsPoly dq = ringQ.newPoly(limbs);
        RnsPoly dp = ringP.newPoly();
        for (int j = 0; j < digits; j++) {
          int start = j * alpha;
          int end = Math.min(start + alpha, limbs);
          long[][] source = new long[end - start][];
          for (int i = start; i < end; i++) {
            source[i - start] = cCoefficients.limb(i);
          }
          toQ[j].extend(source, dq.limbs(), qTargets[j], parallelism);
          toP[j].extend(source, dp.limbs(), allP, parallelism);
        }
        return dq;
      });
      int nttsPerModUp = 0;
      for (int j = 0; j < digits; j++) {
        nttsPerModUp += qTargets[j].length + pLimbs;
      }
      int modUpNtts = nttsPerModUp;
      phases.time("keyswitch.modup.ntt", () -> null, x -> {
        // The same number of forward NTTs as the digits need (Q targets + P), on stand-in data.
        RnsPoly scratch = ct.poly(1).copy();
        int done = 0;
        while (done < modUpNtts) {
          int batch = Math.min(limbs, modUpNtts - done);
          RnsPoly view = scratch.viewLimbs(batch);
          ringQ.ntt(view);
          done += batch;
        }
        return scratch;
      });
      KeySwitcher.Decomposition decomposition = keySwitcher.decompose(c);
      phases.time("keyswitch.inner_product_and_moddown_x2", () -> null,
          x -> keySwitcher.switchKey(decomposition, rlk, null));
      RnsPoly[] switched = keySwitcher.switchKey(decomposition, rlk, null);
      RnsPoly sampleP = ringP.newPoly();
      for (int i = 0; i < pLimbs; i++) {
        System.arraycopy(c.limb(i), 0, sampleP.limb(i), 0, n);
        Modulus m = ringP.modulus(i);
        long[] z = sampleP.limb(i);
        for (int k = 0; k < n; k++) {
          z[k] = m.reduceNonNegative(z[k]);
        }
      }
      phases.time("keyswitch.moddown.total_one_poly", () -> new RnsPoly[] {switched[0].copy(), sampleP.copy()},
          pair -> keySwitcher.modDown(pair[0], pair[1]));
      phases.time("keyswitch.moddown.intt_p", sampleP::copy, p -> {
        ringP.intt(p);
        return p;
      });
      BasisExtender pToQ = new BasisExtender(pModuli, qModuli);
      phases.time("keyswitch.moddown.basis_extension", () -> ringQ.newPoly(limbs), e -> {
        pToQ.extend(sampleP.limbs(), e.limbs(), allQ, parallelism);
        return e;
      });
      phases.time("keyswitch.moddown.ntt_q", c::copy, p -> {
        ringQ.ntt(p);
        return p;
      });
      phases.note("keyswitch.counts", String.format(
          "digits %d of %d primes; ModUp: %d INTT + %d NTT; ModDown x2: %d INTT + %d NTT; "
              + "inner product: %d digit x %d limb x 2 products",
          digits, alpha, limbs, modUpNtts, 2 * pLimbs, 2 * limbs, digits, limbs + pLimbs));

      // ---- multiplication and rotation, by evaluator step
      Ciphertext tensor = evaluator.mulNew(ct, ct2);
      phases.time("mul.tensor", () -> null, x -> evaluator.mulNew(ct, ct2));
      phases.time("mul.relinearize", () -> null, x -> evaluator.relinearizeNew(tensor));
      Ciphertext relinearized = evaluator.relinearizeNew(tensor);
      phases.time("mul.rescale", () -> null, x -> evaluator.rescaleNew(relinearized));
      phases.time("mul.total", ct::copy, out -> {
        evaluator.mulRelin(ct, ct2, out);
        evaluator.rescale(out, out);
        return out;
      });
      int[] table = Automorphism.nttIndexTable(logN, rotateBy1);
      phases.time("rotate.total", () -> null, x -> evaluator.rotateNew(ct, 1));
      phases.time("rotate.decompose", () -> null, x -> keySwitcher.decompose(c));
      phases.time("rotate.inner_product_and_moddown_x2", () -> null,
          x -> keySwitcher.switchKey(decomposition, galois.key(), table));
      phases.time("rotate.automorphism_c0", () -> ringQ.newPoly(limbs), p -> {
        Automorphism.applyNtt(ct.poly(0), table, p, parallelism);
        return p;
      });
    }
  }

  private static Modulus[] moduli(RnsRing ring, int start, int count) {
    Modulus[] out = new Modulus[count];
    for (int i = 0; i < count; i++) {
      out[i] = ring.modulus(start + i);
    }
    return out;
  }

  /** Times and prints phases of one logN / thread count. */
  private final class Phases {
    private final int logN;
    private final int limbs;
    private final int threads;

    Phases(int logN, int limbs, int threads) {
      this.logN = logN;
      this.limbs = limbs;
      this.threads = threads;
    }

    <S> void time(String phase, java.util.function.Supplier<S> setup, java.util.function.Function<S, Object> body) {
      Timing t = Timing.measure(warmups, runs, setup, body);
      log.printf("phase profile: logN %d, %d thread(s), %-42s median %9.2f ms, min %9.2f ms, cpu %9.2f ms%n",
          logN, threads, phase, t.medianMs(), t.minMs(), t.cpuMedianMs());
      out.println(new JsonLine().put("suite", "engine").put("kind", "phase").put("phase", phase)
          .put("logN", logN).put("primes", limbs).put("threads", threads)
          .put("ms_median", t.medianMs()).put("ms_min", t.minMs())
          .put("cpu_ms_median", threads == 1 ? t.cpuMedianMs() : null).put("runs", t.runs())
          .put("load_avg", EngineBench.loadAverage()));
      out.flush();
    }

    void note(String phase, String text) {
      out.println(new JsonLine().put("suite", "engine").put("kind", "phase").put("phase", phase)
          .put("logN", logN).put("primes", limbs).put("threads", threads).put("note", text));
    }
  }
}
