// package-lock.json entries (lockfileVersion 3 `packages`) of the libraries the messaging blocks add to a
// Node.js service, as npm 10 resolved them from the npm registry (integrity hashes included, `resolved`
// omitted like the skeletons' own locks). Regenerate: `npm install` the listed versions in an empty
// package and copy the `node_modules/...` entries. Merged into the service's package-lock.json.

/** @nats-io/transport-node 3.4.0 (and @nats-io/jetstream 3.4.0) with their dependencies. */
export const NATS_NODE_VERSION = "3.4.0";
export const NATS_LOCK: Record<string, object> = {
  "node_modules/@nats-io/nats-core": {"version":"3.4.0","integrity":"sha512-QMDM86EUNm+wudlKC67HLar/KHHQUvJGLfb4jbahje3pUk3K9afeck9fwsxBZF0eUFox6T/TA6m/t+lQqf+QsQ==","license":"Apache-2.0","dependencies":{"@nats-io/nkeys":"2.0.3","@nats-io/nuid":"3.0.0"}},
  "node_modules/@nats-io/nkeys": {"version":"2.0.3","integrity":"sha512-JVt56GuE6Z89KUkI4TXUbSI9fmIfAmk6PMPknijmuL72GcD+UgIomTcRWiNvvJKxA01sBbmIPStqJs5cMRBC3A==","license":"Apache-2.0","dependencies":{"tweetnacl":"^1.0.3"},"engines":{"node":">=18.0.0"}},
  "node_modules/@nats-io/nuid": {"version":"3.0.0","integrity":"sha512-QbXZDrxmYlrn5AD06gYcUTmEHwxn96HBQMIk7XTjDlEcx6FPzVBBPjp4AMRh1lEv6B4iJ6Xb/Uz61JugPXFRQg==","license":"Apache-2.0","engines":{"node":">= 22.x"}},
  "node_modules/@nats-io/transport-node": {"version":"3.4.0","integrity":"sha512-hH7u7ejIBTFEJIZ8rIcMrHJI6wl+HhpO5sVFs1+ppmXa8RuB2+Lh1+UwTzZ5xTNNm1TKcRkYy+2qCV56qp8RxA==","license":"Apache-2.0","dependencies":{"@nats-io/nats-core":"3.4.0","@nats-io/nkeys":"2.0.3","@nats-io/nuid":"3.0.0"},"engines":{"node":">= 18.0.0"}},
  "node_modules/tweetnacl": {"version":"1.0.3","integrity":"sha512-6rt+RN7aOi1nGMyC4Xa5DdYiukl2UWCbcJft7YhxReBGQD7OAM8Pbxw6YMo4r2diNEA8FEmu32YOn9rhaiE5yw==","license":"Unlicense"},
};
export const JETSTREAM_LOCK: Record<string, object> = {
  "node_modules/@nats-io/jetstream": {"version":"3.4.0","integrity":"sha512-GzHQodNJ942+R5LRb8PuZ5ugVWVWMRiufxUYLLVWkXKfwDXYN+Owo0d7L/b9O7BPyrbYD7jQWAC6+ZVuXa9Gyw==","license":"Apache-2.0","dependencies":{"@nats-io/nats-core":"3.4.0"}},
};

/** @grpc/grpc-js and @grpc/proto-loader at the versions of the gRPC skeleton, for HTTP services that call gRPC services. */
export const GRPC_NODE_DEPENDENCIES = { "@grpc/grpc-js": "1.14.7", "@grpc/proto-loader": "0.7.15" };
export const GRPC_LOCK: Record<string, object> = {
  "node_modules/@grpc/grpc-js": {"version":"1.14.7","integrity":"sha512-W4W/fcBMGRVtG6dW2c7cw2mnpS3hvbBd+oQXjh2iYFTZDk1JJmcNqkM5KSaPubQpamlUUurrlb7G1s9NJeERmQ==","license":"Apache-2.0","dependencies":{"@grpc/proto-loader":"^0.8.0","@js-sdsl/ordered-map":"^4.4.2"},"engines":{"node":">=12.10.0"}},
  "node_modules/@grpc/grpc-js/node_modules/@grpc/proto-loader": {"version":"0.8.1","integrity":"sha512-wtF6h+DY6M3YaDBPAmvuuA6jV8Sif9MjtOI5euKFWRgCDl5PeDpPsHR9u2l6St5ceY8AZgoNDww5+HvEsXFsGg==","license":"Apache-2.0","dependencies":{"lodash.camelcase":"^4.3.0","long":"^5.0.0","protobufjs":"^7.5.5","yargs":"^17.7.2"},"bin":{"proto-loader-gen-types":"build/bin/proto-loader-gen-types.js"},"engines":{"node":">=6"}},
  "node_modules/@grpc/proto-loader": {"version":"0.7.15","integrity":"sha512-tMXdRCfYVixjuFK+Hk0Q1s38gV9zDiDJfWL3h1rv4Qc39oILCu1TRTDt7+fGUI8K4G1Fj125Hx/ru3azECWTyQ==","license":"Apache-2.0","dependencies":{"lodash.camelcase":"^4.3.0","long":"^5.0.0","protobufjs":"^7.2.5","yargs":"^17.7.2"},"bin":{"proto-loader-gen-types":"build/bin/proto-loader-gen-types.js"},"engines":{"node":">=6"}},
  "node_modules/@js-sdsl/ordered-map": {"version":"4.4.2","integrity":"sha512-iUKgm52T8HOE/makSxjqoWhe95ZJA1/G1sYsGev2JDKUSS14KAgg1LHb+Ba+IPow0xflbnSkOsZcO08C7w1gYw==","license":"MIT","funding":{"type":"opencollective","url":"https://opencollective.com/js-sdsl"}},
  "node_modules/@protobufjs/aspromise": {"version":"1.1.2","integrity":"sha512-j+gKExEuLmKwvz3OgROXtrJ2UG2x8Ch2YZUxahh+s1F2HZ+wAceUNLkvy6zKCPVRkU++ZWQrdxsUeQXmcg4uoQ==","license":"BSD-3-Clause"},
  "node_modules/@protobufjs/base64": {"version":"1.1.2","integrity":"sha512-AZkcAA5vnN/v4PDqKyMR5lx7hZttPDgClv83E//FMNhR2TMcLUhfRUBHCmSl0oi9zMgDDqRUJkSxO3wm85+XLg==","license":"BSD-3-Clause"},
  "node_modules/@protobufjs/codegen": {"version":"2.0.5","integrity":"sha512-zgXFLzW3Ap33e6d0Wlj4MGIm6Ce8O89n/apUaGNB/jx+hw+ruWEp7EwGUshdLKVRCxZW12fp9r40E1mQrf/34g==","license":"BSD-3-Clause"},
  "node_modules/@protobufjs/eventemitter": {"version":"1.1.1","integrity":"sha512-vW1GmwMZNnL+gMRaovlh9yZX74kc+TTU3FObkkurpMaRtBfLP3ldjS9KQWlwZgraRE0+dheEEoAxdzcJQ8eXZg==","license":"BSD-3-Clause"},
  "node_modules/@protobufjs/fetch": {"version":"1.1.1","integrity":"sha512-GpptLrs57adMSuHi3VNj0mAF8dwh36LMaYF6XyJ6JMWlVsc+t42tm1HSEDmOs3A8fC9yyeisgLhsTVQokOZ0zw==","license":"BSD-3-Clause","dependencies":{"@protobufjs/aspromise":"^1.1.1"}},
  "node_modules/@protobufjs/float": {"version":"1.0.2","integrity":"sha512-Ddb+kVXlXst9d+R9PfTIxh1EdNkgoRe5tOX6t01f1lYWOvJnSPDBlG241QLzcyPdoNTsblLUdujGSE4RzrTZGQ==","license":"BSD-3-Clause"},
  "node_modules/@protobufjs/path": {"version":"1.1.2","integrity":"sha512-6JOcJ5Tm08dOHAbdR3GrvP+yUUfkjG5ePsHYczMFLq3ZmMkAD98cDgcT2iA1lJ9NVwFd4tH/iSSoe44YWkltEA==","license":"BSD-3-Clause"},
  "node_modules/@protobufjs/pool": {"version":"1.1.0","integrity":"sha512-0kELaGSIDBKvcgS4zkjz1PeddatrjYcmMWOlAuAPwAeccUrPHdUqo/J6LiymHHEiJT5NrF1UVwxY14f+fy4WQw==","license":"BSD-3-Clause"},
  "node_modules/@protobufjs/utf8": {"version":"1.1.2","integrity":"sha512-b1UQwcEZ4yCnMCD8DAL1VlbvBJE9/IX4FTIp7BG1xYpf29SLazLSrqUkj4w7Y5y7cCVP6E5tcqqcI0xemPkHug==","license":"BSD-3-Clause"},
  "node_modules/ansi-regex": {"version":"5.0.1","integrity":"sha512-quJQXlTSUGL2LH9SUXo8VwsY4soanhgo6LNSm84E1LBcE8s3O0wpdiRzyR9z/ZZJMlMWv37qOOb9pdJlMUEKFQ==","license":"MIT","engines":{"node":">=8"}},
  "node_modules/ansi-styles": {"version":"4.3.0","integrity":"sha512-zbB9rCJAT1rbjiVDb2hqKFHNYLxgtk8NURxZ3IZwD3F6NtxbXZQCnnSi1Lkx+IDohdPlFp222wVALIheZJQSEg==","license":"MIT","dependencies":{"color-convert":"^2.0.1"},"engines":{"node":">=8"},"funding":{"url":"https://github.com/chalk/ansi-styles?sponsor=1"}},
  "node_modules/cliui": {"version":"8.0.1","integrity":"sha512-BSeNnyus75C4//NQ9gQt1/csTXyo/8Sb+afLAkzAptFuMsod9HFokGNudZpi/oQV73hnVK+sR+5PVRMd+Dr7YQ==","license":"ISC","dependencies":{"string-width":"^4.2.0","strip-ansi":"^6.0.1","wrap-ansi":"^7.0.0"},"engines":{"node":">=12"}},
  "node_modules/color-convert": {"version":"2.0.1","integrity":"sha512-RRECPsj7iu/xb5oKYcsFHSppFNnsj/52OVTRKb4zP5onXwVF3zVmmToNcOfGC+CRDpfK/U584fMg38ZHCaElKQ==","license":"MIT","dependencies":{"color-name":"~1.1.4"},"engines":{"node":">=7.0.0"}},
  "node_modules/color-name": {"version":"1.1.4","integrity":"sha512-dOy+3AuW3a2wNbZHIuMZpTcgjGuLU/uBL/ubcZF9OXbDo8ff4O8yVp5Bf0efS8uEoYo5q4Fx7dY9OgQGXgAsQA==","license":"MIT"},
  "node_modules/emoji-regex": {"version":"8.0.0","integrity":"sha512-MSjYzcWNOA0ewAHpz0MxpYFvwg6yjy1NG3xteoqz644VCo/RPgnr1/GGt+ic3iJTzQ8Eu3TdM14SawnVUmGE6A==","license":"MIT"},
  "node_modules/escalade": {"version":"3.2.0","integrity":"sha512-WUj2qlxaQtO4g6Pq5c29GTcWGDyd8itL8zTlipgECz3JesAiiOKotd8JU6otB3PACgG6xkJUyVhboMS+bje/jA==","license":"MIT","engines":{"node":">=6"}},
  "node_modules/get-caller-file": {"version":"2.0.5","integrity":"sha512-DyFP3BM/3YHTQOCUL/w0OZHR0lpKeGrxotcHWcqNEdnltqFwXVfhEBQ94eIo34AfQpo0rGki4cyIiftY06h2Fg==","license":"ISC","engines":{"node":"6.* || 8.* || >= 10.*"}},
  "node_modules/is-fullwidth-code-point": {"version":"3.0.0","integrity":"sha512-zymm5+u+sCsSWyD9qNaejV3DFvhCKclKdizYaJUuHA83RLjb7nSuGnddCHGv0hk+KY7BMAlsWeK4Ueg6EV6XQg==","license":"MIT","engines":{"node":">=8"}},
  "node_modules/lodash.camelcase": {"version":"4.3.0","integrity":"sha512-TwuEnCnxbc3rAvhf/LbG7tJUDzhqXyFnv3dtzLOPgCG/hODL7WFnsbwktkD7yUV0RrreP/l1PALq/YSg6VvjlA==","license":"MIT"},
  "node_modules/long": {"version":"5.3.2","integrity":"sha512-mNAgZ1GmyNhD7AuqnTG3/VQ26o760+ZYBPKjPvugO8+nLbYfX6TVpJPseBvopbdY+qpZ/lKUnmEc1LeZYS3QAA==","license":"Apache-2.0"},
  "node_modules/protobufjs": {"version":"7.6.6","integrity":"sha512-dYDWdjSl5RNb7SgPxGQcRU+GtvP7s2fpkrY0r432PcOIaZ0/rBcxEZnQN67iJhFuQiVw754JDoPruPCNdGsbjg==","hasInstallScript":true,"license":"BSD-3-Clause","dependencies":{"@protobufjs/aspromise":"^1.1.2","@protobufjs/base64":"^1.1.2","@protobufjs/codegen":"^2.0.5","@protobufjs/eventemitter":"^1.1.1","@protobufjs/fetch":"^1.1.1","@protobufjs/float":"^1.0.2","@protobufjs/path":"^1.1.2","@protobufjs/pool":"^1.1.0","@protobufjs/utf8":"^1.1.1","@types/node":">=13.7.0","long":"^5.3.2"},"engines":{"node":">=12.0.0"}},
  "node_modules/require-directory": {"version":"2.1.1","integrity":"sha512-fGxEI7+wsG9xrvdjsrlmL22OMTTiHRwAMroiEeMgq8gzoLC/PQr7RsRDSTLUg/bZAZtF+TVIkHc6/4RIKrui+Q==","license":"MIT","engines":{"node":">=0.10.0"}},
  "node_modules/string-width": {"version":"4.2.3","integrity":"sha512-wKyQRQpjJ0sIp62ErSZdGsjMJWsap5oRNihHhu6G7JVO/9jIB6UyevL+tXuOqrng8j/cxKTWyWUwvSTriiZz/g==","license":"MIT","dependencies":{"emoji-regex":"^8.0.0","is-fullwidth-code-point":"^3.0.0","strip-ansi":"^6.0.1"},"engines":{"node":">=8"}},
  "node_modules/strip-ansi": {"version":"6.0.1","integrity":"sha512-Y38VPSHcqkFrCpFnQ9vuSXmquuv5oXOKpGeT6aGrr3o3Gc9AlVa6JBfUSOCnbxGGZF+/0ooI7KrPuUSztUdU5A==","license":"MIT","dependencies":{"ansi-regex":"^5.0.1"},"engines":{"node":">=8"}},
  "node_modules/wrap-ansi": {"version":"7.0.0","integrity":"sha512-YVGIj2kamLSTxw6NsZjoBxfSwsn0ycdesmc4p+Q21c5zPuZ1pl+NfxVdxPtdHvmNVOQ6XSYG4AUtyt/Fi7D16Q==","license":"MIT","dependencies":{"ansi-styles":"^4.0.0","string-width":"^4.1.0","strip-ansi":"^6.0.0"},"engines":{"node":">=10"},"funding":{"url":"https://github.com/chalk/wrap-ansi?sponsor=1"}},
  "node_modules/y18n": {"version":"5.0.8","integrity":"sha512-0pfFzegeDWJHJIAmTLRP2DwHjdF5s7jo9tuztdQxAhINCdvS+3nGINqPd00AphqJR/0LhANUS6/+7SCb98YOfA==","license":"ISC","engines":{"node":">=10"}},
  "node_modules/yargs": {"version":"17.7.3","integrity":"sha512-GZtjxm/J/4TSxuL3FNYjCmLktBTnIw/rVmKSIyKeYAZpmJB2ig9VauCC5xsa82GNKVKDAqpOn3KVzNt0zmrU0g==","license":"MIT","dependencies":{"cliui":"^8.0.1","escalade":"^3.1.1","get-caller-file":"^2.0.5","require-directory":"^2.1.1","string-width":"^4.2.3","y18n":"^5.0.5","yargs-parser":"^21.1.1"},"engines":{"node":">=12"}},
  "node_modules/yargs-parser": {"version":"21.1.1","integrity":"sha512-tVpsJW7DdjecAiFpbIB1e3qxIQsE6NoPc5/eTdrbbIC4h0LVsWhnoa3g+m2HclBIujHzsxZ4VJVA+GUuc2/LBw==","license":"ISC","engines":{"node":">=12"}},
};
