;; ec2x_price reports an internal failure (-3) with a message, as the Go SDK
;; does for a recovered panic: the call fails with the message and the
;; instance is replaced.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "ondemand: panic: boom")
  (func (export "ec2x_abi_version") (result i32) (i32.const 1))
  (func (export "ec2x_kinds") (result i32) (i32.const 0x2))
  (func (export "ec2x_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ec2x_last_error") (result i64) (i64.const 0x0000001000000015))
  (func (export "ec2x_price") (param i32 i32 i32 i32) (result i32) (i32.const -3))
)
