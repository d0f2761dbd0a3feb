;; Arithmetic modulo a prime q < 2^62 on native 64-bit integers: Shoup products, the negacyclic NTT
;; in he-engine's layout (forward Cooley-Tukey, inverse Gentleman-Sande with 1/N), and the
;; decryption's per-coefficient m := m s + c. Residues are little-endian u64 in the exported
;; memory; the TypeScript side (wasmArithmetic.ts) places limbs and tables and calls these.
;; Source of nttWasm.ts (npm run build:wasm); test/ckks/wasm.test.ts checks they agree.
(module
  (memory (export "memory") 1)

  ;; High 64 bits of the unsigned 128-bit product a b, from four 32 x 32 -> 64 products.
  (func $mulhi (param $a i64) (param $b i64) (result i64)
    (local $aLo i64) (local $aHi i64) (local $bLo i64) (local $bHi i64)
    (local $loLo i64) (local $hiLo i64) (local $loHi i64) (local $cross i64)
    (local.set $aLo (i64.and (local.get $a) (i64.const 0xffffffff)))
    (local.set $aHi (i64.shr_u (local.get $a) (i64.const 32)))
    (local.set $bLo (i64.and (local.get $b) (i64.const 0xffffffff)))
    (local.set $bHi (i64.shr_u (local.get $b) (i64.const 32)))
    (local.set $loLo (i64.mul (local.get $aLo) (local.get $bLo)))
    (local.set $hiLo (i64.mul (local.get $aHi) (local.get $bLo)))
    (local.set $loHi (i64.mul (local.get $aLo) (local.get $bHi)))
    ;; (2^32 - 1)^2 + 2 (2^32 - 1) = 2^64 - 1: the sum cannot overflow.
    (local.set $cross
      (i64.add
        (i64.add (i64.shr_u (local.get $loLo) (i64.const 32)) (i64.and (local.get $hiLo) (i64.const 0xffffffff)))
        (local.get $loHi)))
    (i64.add
      (i64.add (i64.mul (local.get $aHi) (local.get $bHi)) (i64.shr_u (local.get $hiLo) (i64.const 32)))
      (i64.shr_u (local.get $cross) (i64.const 32))))

  ;; a w mod q for a < 2^64, with ws = floor(w 2^64 / q): Shoup's remainder is in [0, 2q).
  (func $mulShoup (param $a i64) (param $w i64) (param $ws i64) (param $q i64) (result i64)
    (local $r i64)
    (local.set $r
      (i64.sub (i64.mul (local.get $a) (local.get $w))
               (i64.mul (call $mulhi (local.get $a) (local.get $ws)) (local.get $q))))
    (select (i64.sub (local.get $r) (local.get $q)) (local.get $r) (i64.ge_u (local.get $r) (local.get $q))))

  (func $addMod (param $u i64) (param $v i64) (param $q i64) (result i64)
    (local $s i64)
    (local.set $s (i64.add (local.get $u) (local.get $v)))
    (select (i64.sub (local.get $s) (local.get $q)) (local.get $s) (i64.ge_u (local.get $s) (local.get $q))))

  (func $subMod (param $u i64) (param $v i64) (param $q i64) (result i64)
    (select (i64.sub (local.get $u) (local.get $v))
            (i64.sub (i64.add (local.get $u) (local.get $q)) (local.get $v))
            (i64.ge_u (local.get $u) (local.get $v))))

  ;; In place at byte offset $a: coefficients in [0, q) to NTT form; twiddles psi^brv(i) at $tw,
  ;; their Shoup companions at $tws, n = 2^logN residues each.
  (func (export "forward") (param $a i32) (param $tw i32) (param $tws i32) (param $n i32) (param $q i64)
    (local $t i32) (local $m i32) (local $i i32) (local $j i32) (local $j2 i32)
    (local $w i64) (local $ws i64) (local $pu i32) (local $pv i32) (local $u i64) (local $v i64)
    (local.set $t (local.get $n))
    (local.set $m (i32.const 1))
    (block $done
      (loop $stage
        (br_if $done (i32.ge_u (local.get $m) (local.get $n)))
        (local.set $t (i32.shr_u (local.get $t) (i32.const 1)))
        (local.set $i (i32.const 0))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $w (i64.load (i32.add (local.get $tw) (i32.shl (i32.add (local.get $m) (local.get $i)) (i32.const 3)))))
            (local.set $ws (i64.load (i32.add (local.get $tws) (i32.shl (i32.add (local.get $m) (local.get $i)) (i32.const 3)))))
            (local.set $j (i32.mul (i32.shl (local.get $i) (i32.const 1)) (local.get $t)))
            (local.set $j2 (i32.add (local.get $j) (local.get $t)))
            (block $butterfliesDone
              (loop $butterfly
                (br_if $butterfliesDone (i32.ge_u (local.get $j) (local.get $j2)))
                (local.set $pu (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $pv (i32.add (local.get $pu) (i32.shl (local.get $t) (i32.const 3))))
                (local.set $u (i64.load (local.get $pu)))
                (local.set $v (call $mulShoup (i64.load (local.get $pv)) (local.get $w) (local.get $ws) (local.get $q)))
                (i64.store (local.get $pu) (call $addMod (local.get $u) (local.get $v) (local.get $q)))
                (i64.store (local.get $pv) (call $subMod (local.get $u) (local.get $v) (local.get $q)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $butterfly)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $block)))
        (local.set $m (i32.shl (local.get $m) (i32.const 1)))
        (br $stage))))

  ;; In place: NTT form in [0, q) to coefficients in [0, q); inverse twiddles at $tw/$tws, then
  ;; every residue times 1/N ($nInv, with companion $nInvS).
  (func (export "inverse") (param $a i32) (param $tw i32) (param $tws i32) (param $n i32) (param $q i64)
      (param $nInv i64) (param $nInvS i64)
    (local $t i32) (local $m i32) (local $h i32) (local $i i32) (local $j i32) (local $j1 i32) (local $j2 i32)
    (local $w i64) (local $ws i64) (local $pu i32) (local $pv i32) (local $u i64) (local $v i64) (local $end i32)
    (local.set $t (i32.const 1))
    (local.set $m (local.get $n))
    (block $done
      (loop $stage
        (br_if $done (i32.le_u (local.get $m) (i32.const 1)))
        (local.set $h (i32.shr_u (local.get $m) (i32.const 1)))
        (local.set $j1 (i32.const 0))
        (local.set $i (i32.const 0))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.ge_u (local.get $i) (local.get $h)))
            (local.set $w (i64.load (i32.add (local.get $tw) (i32.shl (i32.add (local.get $h) (local.get $i)) (i32.const 3)))))
            (local.set $ws (i64.load (i32.add (local.get $tws) (i32.shl (i32.add (local.get $h) (local.get $i)) (i32.const 3)))))
            (local.set $j (local.get $j1))
            (local.set $j2 (i32.add (local.get $j1) (local.get $t)))
            (block $butterfliesDone
              (loop $butterfly
                (br_if $butterfliesDone (i32.ge_u (local.get $j) (local.get $j2)))
                (local.set $pu (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $pv (i32.add (local.get $pu) (i32.shl (local.get $t) (i32.const 3))))
                (local.set $u (i64.load (local.get $pu)))
                (local.set $v (i64.load (local.get $pv)))
                (i64.store (local.get $pu) (call $addMod (local.get $u) (local.get $v) (local.get $q)))
                (i64.store (local.get $pv)
                  (call $mulShoup (call $subMod (local.get $u) (local.get $v) (local.get $q)) (local.get $w) (local.get $ws) (local.get $q)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $butterfly)))
            (local.set $j1 (i32.add (local.get $j1) (i32.shl (local.get $t) (i32.const 1))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $block)))
        (local.set $t (i32.shl (local.get $t) (i32.const 1)))
        (local.set $m (local.get $h))
        (br $stage)))
    (local.set $pu (local.get $a))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 3))))
    (block $scaled
      (loop $scale
        (br_if $scaled (i32.ge_u (local.get $pu) (local.get $end)))
        (i64.store (local.get $pu) (call $mulShoup (i64.load (local.get $pu)) (local.get $nInv) (local.get $nInvS) (local.get $q)))
        (local.set $pu (i32.add (local.get $pu) (i32.const 8)))
        (br $scale))))

  ;; m[j] := m[j] s[j] + c[j] mod q for j < n: one Horner step of decryption, with the key's
  ;; Shoup companions at $ss.
  (func (export "mulAdd") (param $m i32) (param $s i32) (param $ss i32) (param $c i32) (param $n i32) (param $q i64)
    (local $j i32) (local $off i32)
    (block $done
      (loop $coefficient
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $off (i32.shl (local.get $j) (i32.const 3)))
        (i64.store (i32.add (local.get $m) (local.get $off))
          (call $addMod
            (call $mulShoup (i64.load (i32.add (local.get $m) (local.get $off)))
                            (i64.load (i32.add (local.get $s) (local.get $off)))
                            (i64.load (i32.add (local.get $ss) (local.get $off)))
                            (local.get $q))
            (i64.load (i32.add (local.get $c) (local.get $off)))
            (local.get $q)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $coefficient))))
;; Centered values of RNS coefficients as doubles, by Garner with balanced digits (crt.ts has the
  ;; reasoning): limb i of coefficient c at $x + 8 (i n + c); per limb k at $p + 8 k: q_k, q_k >> 1;
  ;; q_k^-1 mod q_i and its companion at $inv + 16 (k count + i); $work holds count scratch words;
  ;; doubles out at $out. Every double is rounded once, as Number(BigInt) and JavaScript do.
  (func (export "garner") (param $x i32) (param $n i32) (param $count i32) (param $p i32) (param $inv i32)
      (param $work i32) (param $out i32)
    (local $c i32) (local $k i32) (local $i i32) (local $xk i64) (local $qk i64) (local $neg i32)
    (local $value f64) (local $radix f64) (local $qi i64) (local $w i64) (local $ws i64) (local $r i64)
    (local $d i64) (local $pi i32)
    (block $coefficientsDone
      (loop $coefficient
        (br_if $coefficientsDone (i32.ge_u (local.get $c) (local.get $n)))
        ;; work[i] = x_i
        (local.set $i (i32.const 0))
        (block $copied
          (loop $copy
            (br_if $copied (i32.ge_u (local.get $i) (local.get $count)))
            (i64.store (i32.add (local.get $work) (i32.shl (local.get $i) (i32.const 3)))
              (i64.load (i32.add (local.get $x)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $c)) (i32.const 3)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $copy)))
        (local.set $value (f64.const 0))
        (local.set $radix (f64.const 1))
        (local.set $k (i32.const 0))
        (block $digitsDone
          (loop $digit
            (br_if $digitsDone (i32.ge_u (local.get $k) (local.get $count)))
            (local.set $xk (i64.load (i32.add (local.get $work) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $qk (i64.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 4)))))
            (local.set $neg (i64.gt_u (local.get $xk)
              (i64.load (i32.add (local.get $p) (i32.add (i32.shl (local.get $k) (i32.const 4)) (i32.const 8))))))
            (if (i64.ne (local.get $xk) (i64.const 0))
              (then
                (local.set $value (f64.add (local.get $value) (f64.mul
                  (if (result f64) (local.get $neg)
                    (then (f64.neg (f64.convert_i64_u (i64.sub (local.get $qk) (local.get $xk)))))
                    (else (f64.convert_i64_u (local.get $xk))))
                  (local.get $radix))))))
            (local.set $radix (f64.mul (local.get $radix) (f64.convert_i64_u (local.get $qk))))
            ;; x_i := x_i q_k^-1 - x_k q_k^-1 (+ 1 when the digit is negative) mod q_i
            (local.set $i (i32.add (local.get $k) (i32.const 1)))
            (block $updated
              (loop $update
                (br_if $updated (i32.ge_u (local.get $i) (local.get $count)))
                (local.set $qi (i64.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 4)))))
                (local.set $pi (i32.add (local.get $inv)
                  (i32.shl (i32.add (i32.mul (local.get $k) (local.get $count)) (local.get $i)) (i32.const 4))))
                (local.set $w (i64.load (local.get $pi)))
                (local.set $ws (i64.load (i32.add (local.get $pi) (i32.const 8))))
                (local.set $r (call $subMod
                  (call $mulShoup (i64.load (i32.add (local.get $work) (i32.shl (local.get $i) (i32.const 3))))
                    (local.get $w) (local.get $ws) (local.get $qi))
                  (call $mulShoup (local.get $xk) (local.get $w) (local.get $ws) (local.get $qi))
                  (local.get $qi)))
                (if (local.get $neg)
                  (then (local.set $r (call $addMod (local.get $r) (i64.const 1) (local.get $qi)))))
                (i64.store (i32.add (local.get $work) (i32.shl (local.get $i) (i32.const 3))) (local.get $r))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $update)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $digit)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (local.get $value))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $coefficient))))
)
