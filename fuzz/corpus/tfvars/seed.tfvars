a = "x"
b = [for i in range(3) : "s3:Get${i}"]
c = { k = 1, k = 2 }
