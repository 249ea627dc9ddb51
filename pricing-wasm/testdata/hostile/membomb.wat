;; A memory bomb: ec2x_price grows memory a page at a time until the host's
;; cap refuses, then writes past the end. The call must fail as out of memory
;; (and quickly: the host reserves each instance's memory, so a grow does not
;; copy it).
(module
  (memory (export "memory") 1)
  (func (export "ec2x_abi_version") (result i32) (i32.const 1))
  (func (export "ec2x_kinds") (result i32) (i32.const 0x2))
  (func (export "ec2x_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ec2x_price") (param i32 i32 i32 i32) (result i32)
    (block $full
      (loop $grow
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $grow)))
    ;; one byte past the last page
    (i32.store8 (i32.shl (memory.size) (i32.const 16)) (i32.const 1))
    (local.get 2))
)
