#!/bin/bash
# LocalStack runs this when it is ready. The resources themselves are created from the host by
# CargoFlow's own `create-resources`, which reads template.yaml: the same code as `make dev`,
# so the two paths cannot drift (see ../README.md).
echo "LocalStack ready for CargoFlow: run 'make localstack-resources' on the host."
