# The workbook's one entry point. `make help` lists the targets.
#
#   make setup            install what is missing (Debian packages) and build all that needs no GPU
#   make test             tangle check, host tests, every week's build, the book; graders on a GPU
#   make week0            tangle lessons/week0-*.nw and build build/week0/grade
#   make grade WEEK=0     grade week 0 on the GPU (VARIANT=, DTYPE=, SHAPE= narrow it)
#   make bench WEEK=0     time the benchmark shapes, write bench/results/<gpu>/week0.json
#   make book             book/out/index.html and one chapter per week
#   make book-pdf         book/out/workbook.pdf: the same book through pandoc and LaTeX
#   make student          dist/student/ and dist/student.tar.gz: the edition without solutions
#   make test-mutants     on a GPU: every broken kernel in grader/mutants/ is rejected for its reason

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
.DEFAULT_GOAL := all
MAKEFLAGS += --no-builtin-rules
.SECONDEXPANSION:
.SECONDARY:

# ---- toolchain -------------------------------------------------------------
CUDA_HOME ?= /usr/local/cuda
NVCC ?= $(or $(shell command -v nvcc 2>/dev/null),$(CUDA_HOME)/bin/nvcc)
CC := gcc
# Build for the GPU present when there is one; otherwise for this list of
# compute capabilities plus PTX of the last, which the driver compiles for
# newer GPUs. CUDA_ARCH=90 (or "80 90", or native) overrides.
CUDA_ARCH_LIST := 75 80 86 89 90
CUDA_ARCH ?= $(if $(shell nvidia-smi -L 2>/dev/null | grep -q GPU && echo y),native,$(CUDA_ARCH_LIST))
ifeq ($(strip $(CUDA_ARCH)),native)
ARCH_FLAGS := -arch=native
else
ARCH_FLAGS := $(foreach a,$(CUDA_ARCH),-gencode arch=compute_$(a),code=sm_$(a)) \
              -gencode arch=compute_$(lastword $(CUDA_ARCH)),code=compute_$(lastword $(CUDA_ARCH))
endif

# Check: from pkg-config, or unpacked .debs under CHECK_PREFIX (a GPU machine
# that cannot install packages).
ifdef CHECK_PREFIX
CHECK_CFLAGS := -I$(CHECK_PREFIX)/usr/include
CHECK_LIBS := -L$(CHECK_PREFIX)/usr/lib/x86_64-linux-gnu -lcheck_pic -lsubunit -lrt -lm -lpthread
export LD_LIBRARY_PATH := $(CHECK_PREFIX)/usr/lib/x86_64-linux-gnu$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
else
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(or $(shell pkg-config --libs check 2>/dev/null),-lcheck_pic -lsubunit -lrt -lm -lpthread)
endif

COMMIT := $(or $(WB_COMMIT),$(shell git rev-parse --short=12 HEAD 2>/dev/null),unknown)
INCLUDES := -Igrader -Iref/cpu -Iref/gpu -I$(CUDA_HOME)/include
CFLAGS := -std=c11 -O2 -g -fopenmp -Wall -Wextra -Werror $(INCLUDES) $(CHECK_CFLAGS)
NVCCFLAGS := -std=c++17 -O3 -lineinfo $(ARCH_FLAGS) -Xcompiler -Wall,-Wextra $(INCLUDES)
LDLIBS := $(CHECK_LIBS) -lgomp -lm

# ---- what exists -----------------------------------------------------------
LESSONS := $(sort $(wildcard lessons/week*-*.nw))
WEEKS := $(sort $(foreach l,$(LESSONS),$(firstword $(subst -, ,$(notdir $(l))))))
WEEK ?= 0
W := week$(patsubst week%,%,$(WEEK))

CORE_SRC := $(filter-out grader/main.c grader/week%.c,$(wildcard grader/*.c))
REF_CPU_SRC := $(wildcard ref/cpu/*.c)
REF_GPU_C := $(wildcard ref/gpu/*.c)
REF_GPU_CU := $(wildcard ref/gpu/*.cu)
CORE_OBJ := $(patsubst %.c,build/obj/%.o,$(CORE_SRC) $(REF_CPU_SRC) $(REF_GPU_C)) \
            $(patsubst %.cu,build/obj/%.o,$(REF_GPU_CU))
HOST_TESTS := $(patsubst grader/tests/%.c,build/tests/%,$(wildcard grader/tests/test_*.c))

.PHONY: all setup help test tangle check-tangled $(WEEKS) weeks grade bench book lint clean \
        host-tests host-test-binaries test-mutants bench-tools sweep-rows sweep-softmax

all: tangle weeks host-test-binaries book

weeks: $(foreach w,$(WEEKS),build/$(w)/grade)
host-test-binaries: $(HOST_TESTS)

help:
	@sed -n 's/^#   //p' Makefile

setup:
	ci/setup.sh
	$(MAKE) all

# ---- tangle ----------------------------------------------------------------
# defined before the first rule that names it: prerequisites expand as read
HAVE_NOWEB := $(shell command -v notangle >/dev/null 2>&1 && echo y)
tangled/%/.stamp: $$(wildcard lessons/$$*-*.nw) book/tangle.sh book/cuda-markup
	book/tangle.sh $< tangled/$*
	@touch $@

tangle: $(if $(HAVE_NOWEB),$(foreach w,$(WEEKS),tangled/$(w)/.stamp))

check-tangled:
	@for l in $(LESSONS); do w=$$(basename $$l | cut -d- -f1); \
	  book/tangle.sh --check $$l tangled/$$w; done
	@echo "tangled/ is current with lessons/"

# ---- build -----------------------------------------------------------------
build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DWB_DEFAULT_COMMIT='"$(COMMIT)"' -MMD -MP -c $< -o $@

build/obj/%.o: %.cu
	@mkdir -p $(@D)
	$(NVCC) $(NVCCFLAGS) -MMD -MP -c $< -o $@

# A GPU machine without noweb builds the committed tangled/ as it is;
# `make test` (where noweb is) checks that it is current with lessons/.
TANGLED_STAMP := $(if $(HAVE_NOWEB),tangled/%/.stamp)

# a week's lesson objects: every tangled .cu of that week
build/%/lesson.o: $(TANGLED_STAMP) $$(wildcard tangled/$$*/*.cu) $$(wildcard tangled/$$*/*.h) grader/wb.h
	@mkdir -p $(@D)
	$(NVCC) $(NVCCFLAGS) -Itangled/$* -Xptxas -v -c tangled/$*/$*.cu -o $@ 2> $(@D)/resource-usage.txt \
	  || { cat $(@D)/resource-usage.txt >&2; exit 1; }
	@grep -v '^ptxas info' $(@D)/resource-usage.txt | grep -v 'bytes stack frame' >&2 || true

build/%/grade: build/%/lesson.o build/obj/grader/%.o build/obj/grader/main.o $(CORE_OBJ)
	$(if $(wildcard grader/check_symbols.sh),grader/check_symbols.sh build/$*/lesson.o)
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ $(LDLIBS)

$(WEEKS): week%: build/week%/grade

build/tests/%: build/obj/grader/tests/%.o $(CORE_OBJ)
	@mkdir -p $(@D)
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ $(LDLIBS)

host-tests: $(HOST_TESTS)
	@for t in $(HOST_TESTS); do $$t || exit 1; done

# ---- GPU -------------------------------------------------------------------
GRADE_ARGS = $(if $(VARIANT),--variant $(VARIANT)) $(if $(DTYPE),--dtype $(DTYPE)) \
             $(if $(SHAPE),--shape $(SHAPE)) $(if $(SEED),--seed $(SEED))

# The profile section (grader/profile/grade-profile.sh: each variant's static
# and Nsight Compute figures) is written first; the grader prints it after its
# verdict and embeds it in its reports (--attach-profile FILE). A grader that
# does not know --attach-profile yet is followed by the section's text. The
# grader's exit status (0, 1, 2) is the recipe's.
# $(call graded,SECTION,GRADER ARGS...)
attaches = $(shell build/$(W)/grade --help 2>&1 | grep -F -e --attach-profile)
define graded
rc=0; WB_COMMIT=$(COMMIT) build/$(W)/grade $(2) $(if $(attaches),--attach-profile $(1)) || rc=$$?; \
	$(if $(attaches),,[ ! -s $(1) ] || { echo; jq -r .text $(1); };) exit $$rc
endef

grade: build/$(W)/grade
	grader/profile/grade-profile.sh $(W) build/reports/$(W).profile.json $(if $(VARIANT),--variant $(VARIANT))
	$(call graded,build/reports/$(W).profile.json,--time $(if $(wildcard grader/$(W).score),--score grader/$(W).score) \
	  --report-dir build/reports $(GRADE_ARGS))

bench: build/$(W)/grade
	grader/profile/grade-profile.sh $(W) build/reports/bench/$(W).profile.json $(if $(VARIANT),--variant $(VARIANT))
	$(call graded,build/reports/bench/$(W).profile.json,--bench --results-dir bench/results \
	  --report-dir build/reports/bench $(GRADE_ARGS))

# ---- bench tools -------------------------------------------------------------
#   make sweep-rows       on a GPU: week 1 row sum, threads per row x unroll x split vs CUB (build/bench/)
#   make sweep-softmax    on a GPU: week 2 softmax, block sizes, pass direction, clusters (build/bench/)
# bench/row_team_sweep.cu includes tangled/week1/week1.cu for its device
# helpers and links CUB's baseline and the grader's sum bound. `make test`
# compiles it (bench-tools); only sweep-rows runs it. SWEEP_ARGS= passes
# options, e.g. SWEEP_ARGS="--shape 8192x8192 --dtype f16 --reps 51".
SWEEP_ROWS := build/bench/row_team_sweep
SWEEP_ROWS_LIBS := build/obj/ref/gpu/cub_reduce.o build/obj/grader/tolerance.o build/obj/ref/cpu/dtype.o

build/obj/bench/row_team_sweep.o: $(if $(HAVE_NOWEB),tangled/week1/.stamp)

$(SWEEP_ROWS): build/obj/bench/row_team_sweep.o $(SWEEP_ROWS_LIBS)
	@mkdir -p $(@D)
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ -lm

# bench/softmax_sweep.cu does the same for Week 2: block sizes, the online
# kernel's pass direction, the single-read kernel's elements per thread and
# thread block clusters (`make sweep-softmax`, build/bench/softmax-sweep.tsv).
SWEEP_SOFTMAX := build/bench/softmax_sweep

build/obj/bench/softmax_sweep.o: $(if $(HAVE_NOWEB),tangled/week2/.stamp)

$(SWEEP_SOFTMAX): build/obj/bench/softmax_sweep.o build/obj/ref/cpu/dtype.o
	@mkdir -p $(@D)
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ -lm

bench-tools: $(SWEEP_ROWS) $(SWEEP_SOFTMAX)

sweep-rows: $(SWEEP_ROWS)
	WB_COMMIT=$(COMMIT) $(SWEEP_ROWS) --out build/bench/row-team-sweep.tsv $(SWEEP_ARGS)

sweep-softmax: $(SWEEP_SOFTMAX)
	WB_COMMIT=$(COMMIT) $(SWEEP_SOFTMAX) --out build/bench/softmax-sweep.tsv $(SWEEP_ARGS)

# ---- mutants: broken kernels the grader must reject ----------------------
# grader/mutants/weekN_WHAT.cu stands in for week N's lesson object.
mutant_week = $(firstword $(subst _, ,$(1)))

build/mutants/%/lesson.o: grader/mutants/%.cu grader/wb.h
	@mkdir -p $(@D)
	$(NVCC) $(NVCCFLAGS) -Itangled/$(call mutant_week,$*) -c $< -o $@

build/mutants/%/grade: build/mutants/%/lesson.o build/obj/grader/$$(call mutant_week,$$*).o \
                       build/obj/grader/main.o $(CORE_OBJ)
	grader/check_symbols.sh $<
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ $(LDLIBS)

test-mutants: $(CORE_OBJ) build/obj/grader/main.o
	MAKE="$(MAKE) $(if $(CHECK_PREFIX),CHECK_PREFIX=$(CHECK_PREFIX))" ci/mutants.sh $(MUTANT)

# ---- book ------------------------------------------------------------------
book: tangle
	book/build.sh book/out $(LESSONS)

# ---- tests -----------------------------------------------------------------
test:
	ci/test.sh

lint:
	clang-format --dry-run --Werror grader/*.c grader/*.h grader/tests/*.c ref/cpu/*.[ch] \
	  ref/gpu/*.[ch] $(wildcard ref/gpu/*.cu) $(wildcard grader/profile/*.c) grader/mutants/*.cu \
	  $(wildcard bench/*.cu)
	ci/lint-lessons.sh
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
	  --inline-suppr --suppress=missingIncludeSystem --suppress=missingInclude -Igrader -Iref/cpu -Iref/gpu \
	  grader ref/cpu
	@echo "lint: clean"

clean:
	rm -rf build book/out dist

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- student edition and PDF ------------------------------------------------
# `make student`: the project as a learner receives it (ci/student-edition.sh,
# book/STUDENT.md); `make book-pdf`: the book as one PDF (book/pdf.sh).
.PHONY: student book-pdf

student:
	ci/student-edition.sh build dist/student

book-pdf: tangle
	book/pdf.sh book/out/workbook.pdf $(LESSONS)
# ---- end of student edition and PDF ------------------------------------------

# ---- profile and sanitize ---------------------------------------------------
# (grader/profile/README.md says what each target reports.) Without WEEK=
# these run for every week; WEEK=N narrows them to one.
#   make static-profile   registers, shared memory, spills and SASS checks (grader/weekN.sass); no GPU
#   make profile          on a GPU: Nsight Compute metrics per variant (VARIANT= narrows), bench/results/<gpu>/
#   make sanitize         on a GPU: compute-sanitizer on small tests; findings at lesson lines (GRADE=path: any grader)
PROFILE_WEEKS = $(if $(filter file,$(origin WEEK)),$(WEEKS),$(W))

.PHONY: static-profile profile sanitize

static-profile: $$(foreach w,$$(PROFILE_WEEKS),build/$$(w)/lesson.o)
	@rc=0; for w in $(PROFILE_WEEKS); do grader/profile/static-profile.sh $$w || rc=1; done; exit $$rc

profile: $$(foreach w,$$(PROFILE_WEEKS),build/$$(w)/grade)
	@rc=0; for w in $(PROFILE_WEEKS); do WB_COMMIT=$(COMMIT) grader/profile/profile.sh $$w $(VARIANT) || rc=1; done; exit $$rc

sanitize: $$(if $$(GRADE),,$$(foreach w,$$(PROFILE_WEEKS),build/$$(w)/grade))
	@rc=0; if [ -n "$(GRADE)" ]; then GRADE=$(GRADE) VARIANT=$(VARIANT) DTYPE=$(DTYPE) grader/profile/sanitize.sh || rc=$$?; \
	else for w in $(PROFILE_WEEKS); do VARIANT=$(VARIANT) DTYPE=$(DTYPE) grader/profile/sanitize.sh $$w || rc=$$?; done; fi; exit $$rc
