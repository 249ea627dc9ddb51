;; flat.wat — an ec2x pricing module in WebAssembly text, to show that the
;; ABI (../ABI.md) needs no Go and no SDK. Assemble with wabt:
;;
;;   wat2wasm flat.wat -o flat.wasm
;;   ec2x plugin install flat.wasm --name flat
;;
;; It prices two kinds:
;;   ondemand  the catalogue price, unchanged;
;;   reserved  a flat discount by term (30 % for 1 year, 50 % for 3 years,
;;             whatever the class), paid by the payment option: no upfront
;;             pays it all by the hour, partial half and half, all upfront
;;             everything at purchase.
;; Records are little-endian and fixed-size (see ABI.md):
;;   ondemand in  8 bytes: f64 catalogue price      out 8 bytes: f64 price
;;   reserved in 24 bytes: f64 on-demand, i32 term, i32 payment, i32 class, 4 pad
;;            out 24 bytes: f64 upfront, f64 recurring, f64 effective
(module
  ;; One page to start; ec2x_alloc grows it. The host caps it (64 MiB).
  (memory (export "memory") 1)

  ;; Error messages for ec2x_last_error, at fixed addresses below the buffer.
  (data (i32.const 16) "kind not priced by flat.wat")        ;; 27 bytes
  (data (i32.const 64) "input record out of its domain")     ;; 30 bytes
  (global $last_error (mut i64) (i64.const 0))

  ;; The I/O buffer starts here, after the messages, 8-byte aligned.
  (global $buffer i32 (i32.const 1024))

  (func (export "ec2x_abi_version") (result i32) (i32.const 1))

  ;; Bit 1<<kind per kind: ondemand (1) = 0x2, reserved (3) = 0x8.
  (func (export "ec2x_kinds") (result i32) (i32.const 0xa))

  ;; One buffer for every call: valid until the next ec2x_alloc, as the ABI
  ;; allows. Grows memory to fit; 0 when it cannot.
  (func (export "ec2x_alloc") (param $size i32) (result i32)
    (local $need i32)
    (if (i32.lt_s (local.get $size) (i32.const 0)) (then (return (i32.const 0))))
    ;; pages needed = ceil((buffer + size) / 65536)
    (local.set $need
      (i32.shr_u (i32.add (i32.add (global.get $buffer) (local.get $size)) (i32.const 0xffff))
                 (i32.const 16)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const -1))
          (then (return (i32.const 0))))))
    (global.get $buffer))

  (func (export "ec2x_last_error") (result i64) (global.get $last_error))

  (func $fail (param $ptr i32) (param $len i32) (param $code i32) (result i32)
    (global.set $last_error
      (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
              (i64.extend_i32_u (local.get $len))))
    (local.get $code))

  ;; finite and >= 0: NaN fails >=, and x - x is NaN for infinities.
  (func $ok_price (param $p f64) (result i32)
    (i32.and (f64.ge (local.get $p) (f64.const 0))
             (f64.eq (f64.sub (local.get $p) (local.get $p)) (f64.const 0))))

  (func (export "ec2x_price") (param $kind i32) (param $in i32) (param $n i32) (param $out i32) (result i32)
    (if (i32.eq (local.get $kind) (i32.const 1))
      (then (return (call $ondemand (local.get $in) (local.get $n) (local.get $out)))))
    (if (i32.eq (local.get $kind) (i32.const 3))
      (then (return (call $reserved (local.get $in) (local.get $n) (local.get $out)))))
    (call $fail (i32.const 16) (i32.const 27) (i32.const -1)))

  (func $ondemand (param $in i32) (param $n i32) (param $out i32) (result i32)
    (local $i i32) (local $p f64)
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (return (call $fail (i32.const 64) (i32.const 30) (i32.const -2)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $p (f64.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))))
        (if (i32.eqz (call $ok_price (local.get $p)))
          (then (return (call $fail (i32.const 64) (i32.const 30) (i32.const -2)))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $p))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func $reserved (param $in i32) (param $n i32) (param $out i32) (result i32)
    (local $i i32) (local $rec i32) (local $dst i32)
    (local $od f64) (local $term i32) (local $pay i32) (local $class i32)
    (local $eff f64) (local $hours f64) (local $share f64) (local $upfront f64) (local $hourly f64)
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (return (call $fail (i32.const 64) (i32.const 30) (i32.const -2)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $rec (i32.add (local.get $in) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $od (f64.load (local.get $rec)))
        (local.set $term (i32.load offset=8 (local.get $rec)))
        (local.set $pay (i32.load offset=12 (local.get $rec)))
        (local.set $class (i32.load offset=16 (local.get $rec)))
        ;; on-demand > 0 and finite; term 1 or 3; payment 1..3; class 1..2
        (if (i32.eqz
              (i32.and
                (i32.and (f64.gt (local.get $od) (f64.const 0)) (call $ok_price (local.get $od)))
                (i32.and
                  (i32.or (i32.eq (local.get $term) (i32.const 1)) (i32.eq (local.get $term) (i32.const 3)))
                  (i32.and
                    (i32.lt_u (i32.sub (local.get $pay) (i32.const 1)) (i32.const 3))
                    (i32.lt_u (i32.sub (local.get $class) (i32.const 1)) (i32.const 2))))))
          (then (return (call $fail (i32.const 64) (i32.const 30) (i32.const -2)))))
        ;; effective = on-demand × (1 − discount)
        (local.set $eff
          (f64.mul (local.get $od)
                   (select (f64.const 0.70) (f64.const 0.50) (i32.eq (local.get $term) (i32.const 1)))))
        (local.set $hours (f64.convert_i32_s (i32.mul (local.get $term) (i32.const 8760))))
        ;; share paid upfront: no 0, partial 0.5, all 1 = (payment − 1) / 2
        (local.set $share (f64.div (f64.convert_i32_s (i32.sub (local.get $pay) (i32.const 1))) (f64.const 2)))
        (local.set $upfront (f64.mul (f64.mul (local.get $eff) (local.get $hours)) (local.get $share)))
        (local.set $hourly (f64.mul (local.get $eff) (f64.sub (f64.const 1) (local.get $share))))
        (f64.store (local.get $dst) (local.get $upfront))
        (f64.store offset=8 (local.get $dst) (local.get $hourly))
        (f64.store offset=16 (local.get $dst)
          (f64.add (f64.div (local.get $upfront) (local.get $hours)) (local.get $hourly)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $n))
)
