;; An infinite loop in ec2x_price: the call must time out (deadline + 10 ms)
;; and the instance be replaced.
(module
  (memory (export "memory") 1)
  (func (export "ec2x_abi_version") (result i32) (i32.const 1))
  (func (export "ec2x_kinds") (result i32) (i32.const 0x2))
  (func (export "ec2x_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ec2x_price") (param i32 i32 i32 i32) (result i32)
    (loop $forever (br $forever))
    (unreachable))
)
