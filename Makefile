# The workbook's one entry point. `make help` lists the targets.
#
#   make setup            install what is missing (Debian packages) and build all that needs no GPU
#   make test             tangle check, host tests, every week's build, the book; graders on a GPU
#   make week0            tangle lessons/week0-*.nw and build build/week0/grade
#   make grade WEEK=0     grade week 0 on the GPU (VARIANT=, DTYPE=, SHAPE= narrow it);
#                         without WEEK, every week and one summary table
#   make bench WEEK=0     time the benchmark shapes, write bench/results/<gpu>/week0.json
#                         (WEEK=2: its PyTorch peers too, week2-torch*.json beside it)
#   make grade-speed      on a GPU: grading time per week and engine, bench/results/<gpu>/grade-speed.json
#   make book             book/out/index.html, one chapter per week, and book/out/workbook.pdf
#   make book-pdf         book/out/workbook.pdf only: the same book through pandoc and LaTeX
#   make student          dist/student/ and dist/student.tar.gz: the edition without solutions
#   make test-mutants     on a GPU: every broken kernel in grader/mutants/ is rejected for its reason,
#                         every kernel in grader/valid/ passes

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
# jansson (the grader's JSON reports) the same way, from the same prefix
JANSSON_LIBS := $(if $(CHECK_PREFIX),-L$(CHECK_PREFIX)/usr/lib/x86_64-linux-gnu) -ljansson
ifdef CHECK_PREFIX
CHECK_CFLAGS := -I$(CHECK_PREFIX)/usr/include
CHECK_LIBS := -L$(CHECK_PREFIX)/usr/lib/x86_64-linux-gnu -lcheck_pic -lsubunit -lrt -lm -lpthread
export LD_LIBRARY_PATH := $(CHECK_PREFIX)/usr/lib/x86_64-linux-gnu$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
else
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(or $(shell pkg-config --libs check 2>/dev/null),-lcheck_pic -lsubunit -lrt -lm -lpthread)
endif

# CUPTI (the grader's run-time guard, grader/runtime_guard.c) ships with the
# toolkit: in lib64 since CUDA 12, in extras/CUPTI before.
CUPTI_DIR ?= $(firstword $(foreach d,$(CUDA_HOME)/lib64 $(CUDA_HOME)/extras/CUPTI/lib64,\
               $(if $(wildcard $(d)/libcupti.so),$(d))) $(CUDA_HOME)/lib64)
CUPTI_INCLUDE := $(if $(wildcard $(CUDA_HOME)/include/cupti.h),,-I$(CUDA_HOME)/extras/CUPTI/include)
CUPTI_LIBS := -L$(CUPTI_DIR) -lcupti -Xlinker -rpath=$(CUPTI_DIR)

COMMIT := $(or $(WB_COMMIT),$(shell git rev-parse --short=12 HEAD 2>/dev/null),unknown)
INCLUDES := -Igrader -Iref/cpu -Iref/gpu -I$(CUDA_HOME)/include $(CUPTI_INCLUDE)
CFLAGS := -std=c11 -O2 -g -fopenmp -Wall -Wextra -Werror $(INCLUDES) $(CHECK_CFLAGS)
NVCCFLAGS := -std=c++17 -O3 -lineinfo $(ARCH_FLAGS) -Xcompiler -Wall,-Wextra $(INCLUDES)
LDLIBS := $(CHECK_LIBS) $(JANSSON_LIBS) $(CUPTI_LIBS) -lgomp -lm

# ---- what exists -----------------------------------------------------------
LESSONS := $(sort $(wildcard lessons/week*-*.nw))
WEEKS := $(sort $(foreach l,$(LESSONS),$(firstword $(subst -, ,$(notdir $(l))))))
WEEK ?= 0
W := week$(patsubst week%,%,$(WEEK))

# the grader's entry points name the week's suite and lesson, so they are
# linked into each week's grader only; everything else is the core the host
# tests link too
GRADE_MAIN_SRC := grader/main.c grader/options.c grader/worker_main.c
GRADE_MAIN_OBJ := $(patsubst %.c,build/obj/%.o,$(GRADE_MAIN_SRC))
CORE_SRC := $(filter-out $(GRADE_MAIN_SRC) grader/week%.c,$(wildcard grader/*.c))
CORE_CU := $(wildcard grader/*.cu)
REF_CPU_SRC := $(wildcard ref/cpu/*.c)
REF_GPU_C := $(wildcard ref/gpu/*.c)
REF_GPU_CU := $(wildcard ref/gpu/*.cu)
CORE_OBJ := $(patsubst %.c,build/obj/%.o,$(CORE_SRC) $(REF_CPU_SRC) $(REF_GPU_C)) \
            $(patsubst %.cu,build/obj/%.o,$(CORE_CU) $(REF_GPU_CU))
HOST_TESTS := $(patsubst grader/tests/%.c,build/tests/%,$(wildcard grader/tests/test_*.c))

.PHONY: grade-speed
.PHONY: all setup help test tangle check-tangled $(WEEKS) weeks grade bench book lint clean \
        host-tests host-test-binaries gpu-test-binaries test-mutants bench-tools sweep-rows sweep-softmax

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

build/%/grade: build/%/lesson.o build/obj/grader/%.o $(GRADE_MAIN_OBJ) $(CORE_OBJ)
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
# verdict and embeds it in its reports (--attach-profile FILE), so nothing
# edits a report after the grader wrote it. The grader's exit status (0, 1, 2)
# is the recipe's. Without WEEK, every week in turn and one summary table
# (grader/grade-weeks.sh).
ifeq ($(origin WEEK),file)
grade: weeks
	MAKE="$(MAKE)" grader/grade-weeks.sh build/reports $(WEEKS)
else
grade: build/$(W)/grade
	grader/profile/grade-profile.sh $(W) build/reports/$(W).profile.json $(if $(VARIANT),--variant $(VARIANT))
	WB_COMMIT=$(COMMIT) build/$(W)/grade --time $(if $(wildcard grader/$(W).score),--score grader/$(W).score) \
	  --attach-profile build/reports/$(W).profile.json --report-dir build/reports $(GRADE_ARGS)
endif

# make grade-speed: on a GPU, how long grading takes, each week in both
# engines and without the new defences (bench/grade_speed.sh), into
# bench/results/<gpu>/grade-speed.json
grade-speed: weeks
	WB_COMMIT=$(COMMIT) bench/grade_speed.sh bench/results

# Week 2's bench also times its peers, PyTorch eager and torch.compile
# (bench/torch_softmax.py), in the same sitting on the same GPU, beside the
# results the grader just wrote and flushed by the grader's own flush
# ($(L2_FLUSH_LIB)); without PyTorch it says "skipped" and writes nothing.
L2_FLUSH_LIB := build/bench/libwb_l2_flush.so
BENCH_PEERS = $(if $(filter week2,$(W)),$(L2_FLUSH_LIB))
bench: build/$(W)/grade $(BENCH_PEERS)
	grader/profile/grade-profile.sh $(W) build/reports/bench/$(W).profile.json $(if $(VARIANT),--variant $(VARIANT))
	WB_COMMIT=$(COMMIT) build/$(W)/grade --bench --results-dir bench/results \
	  --attach-profile build/reports/bench/$(W).profile.json --report-dir build/reports/bench $(GRADE_ARGS)
	$(if $(BENCH_PEERS),results=$$(ls -t bench/results/*/$(W).json | head -n 1) && \
	  WB_COMMIT=$(COMMIT) python3 bench/torch_softmax.py "$${results%.json}-torch.json" --flush-lib $(L2_FLUSH_LIB))

# ---- bench tools -------------------------------------------------------------
#   make sweep-rows       on a GPU: week 1 row sum, threads per row x unroll x split vs CUB (build/bench/)
#   make sweep-softmax    on a GPU: week 2 softmax, block sizes, pass direction, clusters (build/bench/)
# bench/row_team_sweep.cu includes tangled/week1/week1.cu for its device
# helpers and links CUB's baseline and the grader's sum bound. `make test`
# compiles it (bench-tools); only sweep-rows runs it. SWEEP_ARGS= passes
# options, e.g. SWEEP_ARGS="--shape 8192x8192 --dtype f16 --reps 51".
SWEEP_ROWS := build/bench/row_team_sweep
# both sweeps time with the grader's own loop (grader/timing.c)
SWEEP_TIMING := build/obj/grader/timing.o build/obj/grader/timing_stats.o build/obj/grader/cuda_check.o \
                build/obj/grader/l2_flush.o
SWEEP_ROWS_LIBS := build/obj/ref/gpu/cub_reduce.o build/obj/grader/tolerance.o build/obj/ref/cpu/dtype.o \
                   $(SWEEP_TIMING)

build/obj/bench/row_team_sweep.o: $(if $(HAVE_NOWEB),tangled/week1/.stamp)

$(SWEEP_ROWS): build/obj/bench/row_team_sweep.o $(SWEEP_ROWS_LIBS)
	@mkdir -p $(@D)
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ -lm

# bench/softmax_sweep.cu does the same for Week 2: block sizes, the online
# kernel's pass direction, the single-read kernel's elements per thread and
# thread block clusters (`make sweep-softmax`, build/bench/softmax-sweep.tsv).
SWEEP_SOFTMAX := build/bench/softmax_sweep

build/obj/bench/softmax_sweep.o: $(if $(HAVE_NOWEB),tangled/week2/.stamp)

$(SWEEP_SOFTMAX): build/obj/bench/softmax_sweep.o build/obj/ref/cpu/dtype.o $(SWEEP_TIMING)
	@mkdir -p $(@D)
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ -lm

# the grader's L2 flush as a shared library, for the PyTorch peer's timer
# (bench/torch_softmax.py loads it with ctypes: one flush for both sides)
$(L2_FLUSH_LIB): grader/l2_flush.cu grader/l2_flush.h
	@mkdir -p $(@D)
	$(NVCC) $(NVCCFLAGS) -shared -Xcompiler -fPIC -o $@ $<

bench-tools: $(SWEEP_ROWS) $(SWEEP_SOFTMAX) $(L2_FLUSH_LIB)

sweep-rows: $(SWEEP_ROWS)
	WB_COMMIT=$(COMMIT) $(SWEEP_ROWS) --out build/bench/row-team-sweep.tsv $(SWEEP_ARGS)

sweep-softmax: $(SWEEP_SOFTMAX)
	WB_COMMIT=$(COMMIT) $(SWEEP_SOFTMAX) --out build/bench/softmax-sweep.tsv $(SWEEP_ARGS)

# ---- mutants and valid kernels: what the grader must reject and pass ------
# grader/mutants/weekN_WHAT.cu (a broken kernel) and grader/valid/weekN_WHAT.cu
# (an unusual but right one) each stand in for week N's lesson object, built
# as build/mutants/weekN_WHAT/grade or build/valid/weekN_WHAT/grade. Both
# banks share the device helpers of grader/mutants/*.cuh and *.h.
mutant_week = $(firstword $(subst _, ,$(notdir $(1))))
BANK_SRC := $(wildcard grader/mutants/*.cu grader/valid/*.cu)
BANK_HEADERS := $(wildcard grader/mutants/*.cuh grader/mutants/*.h)

$(patsubst grader/%.cu,build/%/lesson.o,$(BANK_SRC)): build/%/lesson.o: grader/%.cu grader/wb.h $(BANK_HEADERS)
	@mkdir -p $(@D)
	$(NVCC) $(NVCCFLAGS) -Igrader/mutants -Itangled/$(call mutant_week,$*) -c $< -o $@

$(patsubst grader/%.cu,build/%/grade,$(BANK_SRC)): build/%/grade: build/%/lesson.o \
    build/obj/grader/$$(call mutant_week,$$*).o $(GRADE_MAIN_OBJ) $(CORE_OBJ)
	grader/check_symbols.sh $<
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ $(LDLIBS)

# grader/tests/gpu/weekN_WHAT.cu: lessons that make the engine fail on
# purpose (ci/tests/engine_recovery.sh)
build/gpu-tests/%/lesson.o: grader/tests/gpu/%.cu grader/wb.h
	@mkdir -p $(@D)
	$(NVCC) $(NVCCFLAGS) -c $< -o $@

build/gpu-tests/%/grade: build/gpu-tests/%/lesson.o build/obj/grader/$$(call mutant_week,$$*).o \
                         $(GRADE_MAIN_OBJ) $(CORE_OBJ)
	$(NVCC) $(ARCH_FLAGS) -o $@ $^ $(LDLIBS)

gpu-test-binaries: build/gpu-tests/week0_engine_recovery/grade

test-mutants: $(CORE_OBJ) $(GRADE_MAIN_OBJ)
	MAKE="$(MAKE) $(if $(CHECK_PREFIX),CHECK_PREFIX=$(CHECK_PREFIX))" ci/mutants.sh $(MUTANT)

# ---- trace and figures (book/trace/) -----------------------------------------
#   make trace WEEK=0 VARIANT=v   no GPU: each lesson line's sectors per request and bank conflicts (DTYPE=, SHAPE=, BLOCK=)
#   make figures                  book/out/img/weekN-*.svg, drawn from the lessons' kernels (book/trace/figures.txt)
# build/weekN/trace runs week N's kernels on the CPU: book/trace/cu2cpp rewrites
# the tangled .cu into C++ that g++ compiles against book/trace/shim with
# -fsanitize=thread, whose load and store hooks the tool defines itself.
TRACE_CFLAGS := -std=c11 -O2 -g -fopenmp -Wall -Wextra -Werror -Ibook/trace/shim -Ibook/trace \
                -Igrader -Iref/cpu -Iref/gpu
TRACE_CXXFLAGS := -std=c++17 -O0 -g -fsanitize=thread -Wall -Wno-unknown-pragmas \
                  -Ibook/trace/shim -Igrader -Iref/cpu -include wbt_cuda.h
TRACE_OBJ := $(patsubst %.c,build/trace/obj/%.o,$(filter-out book/trace/cu2cpp.c,$(wildcard book/trace/*.c)) \
               grader/rng.c grader/compare.c grader/category.c grader/tolerance.c $(REF_CPU_SRC))

build/trace/cu2cpp: book/trace/cu2cpp.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

build/trace/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(TRACE_CFLAGS) -MMD -MP -c $< -o $@

build/%/trace-lesson.o: $(TANGLED_STAMP) $$(wildcard tangled/$$*/*.cu) $$(wildcard tangled/$$*/*.h) \
                        build/trace/cu2cpp $(wildcard book/trace/shim/*.h) book/trace/wbt.h
	@mkdir -p $(@D)
	build/trace/cu2cpp tangled/$*/$*.cu build/$*/trace-lesson.cpp
	g++ $(TRACE_CXXFLAGS) -Itangled/$* -MMD -MP -c build/$*/trace-lesson.cpp -o $@

build/%/trace: build/%/trace-lesson.o build/trace/obj/grader/%.o $(TRACE_OBJ)
	g++ -no-pie -o $@ $^ -lgomp -lm

# a mutant's trace (book/trace/tests/trace.sh runs one that writes past the end)
build/trace/mutants/%/trace-lesson.o: grader/mutants/%.cu build/trace/cu2cpp $(wildcard book/trace/shim/*.h)
	@mkdir -p $(@D)
	build/trace/cu2cpp $< $(@D)/trace-lesson.cpp
	g++ $(TRACE_CXXFLAGS) -Itangled/$(call mutant_week,$*) -MMD -MP -c $(@D)/trace-lesson.cpp -o $@

build/trace/mutants/%/trace: build/trace/mutants/%/trace-lesson.o \
                             build/trace/obj/grader/$$(call mutant_week,$$*).o $(TRACE_OBJ)
	g++ -no-pie -o $@ $^ -lgomp -lm

.PHONY: trace figures
trace: $(if $(filter $(W),$(WEEKS)),build/$(W)/trace)
	@$(if $(filter $(W),$(WEEKS)),,echo "trace: no lesson for $(W) (lessons/$(W)-*.nw); \
	  the weeks are $(WEEKS): make trace WEEK=0 VARIANT=transpose_tiled32" >&2; exit 2)
	@build/$(W)/trace $(if $(VARIANT),--variant $(VARIANT)) $(if $(DTYPE),--dtype $(DTYPE)) \
	  $(if $(SHAPE),--shape $(SHAPE)) $(if $(BLOCK),--block $(BLOCK))

book/out/img/.figures-%: build/%/trace book/trace/figures.txt
	@mkdir -p $(@D)
	build/$*/trace --figures book/trace/figures.txt $(@D)
	@touch $@

figures: $(foreach w,$(WEEKS),book/out/img/.figures-$(w))

# ---- book ------------------------------------------------------------------
# the PDF edition comes with the HTML book wherever LaTeX is installed
# (book/PACKAGES), and the contents link to it
HAVE_PDFLATEX := $(shell command -v pdflatex >/dev/null 2>&1 && command -v rsvg-convert >/dev/null 2>&1 && echo y)
book: tangle figures
	book/build.sh $(if $(HAVE_PDFLATEX),--pdf workbook.pdf) book/out $(LESSONS)
	$(if $(HAVE_PDFLATEX),book/pdf.sh book/out/workbook.pdf $(LESSONS),@echo "book: no pdflatex or rsvg-convert (book/PACKAGES), so no PDF edition")

# ---- tests -----------------------------------------------------------------
test:
	ci/test.sh

lint:
	clang-format --dry-run --Werror grader/*.c grader/*.h grader/tests/*.c ref/cpu/*.[ch] \
	  ref/gpu/*.[ch] $(wildcard ref/gpu/*.cu) $(wildcard grader/profile/*.c) grader/mutants/*.cu grader/mutants/*.cuh grader/mutants/*.h grader/valid/*.cu \
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

book-pdf: tangle figures
	book/pdf.sh book/out/workbook.pdf $(LESSONS)
# ---- end of student edition and PDF ------------------------------------------

# ---- profile and sanitize ---------------------------------------------------
# (grader/profile/README.md says what each target reports.) Without WEEK=
# these run for every week; WEEK=N narrows them to one.
#   make static-profile   registers, shared memory, spills and SASS checks (grader/weekN.instructions); no GPU
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

# ---- CI files: workflows, pipelines, hooks (book/ci.md) ---------------------
#   make hooks            install the pre-commit hooks of .pre-commit-config.yaml (Debian's pre-commit)
#   make ci-validate      check the CI files without a GPU: schemas, pins, lint, hooks, their no-GPU steps
.PHONY: hooks ci-validate

hooks:
	@command -v pre-commit >/dev/null || { echo "make hooks: pre-commit not found; make setup installs it" >&2; exit 1; }
	pre-commit install

ci-validate:
	ci/tests/ci_files.sh

# ---- roster: grading a class (ci/roster/, book/instructors.md) ---------------
#   make roster ROSTER=dir|file.csv   grade each submission in a sandbox; build/roster/NAME/class.csv
#                                     (JOBS=auto: one grader per GPU; ROSTER_WEEKS="0 1"; GRADER_SEED, GRADER_HIDDEN)
#   make roster-class                 a generated test class in build/roster-class/ (CLASS=, CLASS_EXTRA=N)
#   make roster-slurm ROSTER=...      the same grading as a Slurm job array and a gather job
.PHONY: roster roster-class roster-slurm roster-kit-objects

# what ci/roster/kit.sh compiles once, outside any sandbox, for every submission
roster-kit-objects: $(CORE_OBJ) $(GRADE_MAIN_OBJ) $(patsubst grader/%.c,build/obj/grader/%.o,$(wildcard grader/week*.c))

ROSTER_ARGS = $(if $(ROSTER_OUT),--out $(ROSTER_OUT)) $(ROSTER)

roster:
	$(if $(ROSTER),,$(error ROSTER= names a folder of submissions or a CSV of student,path))
	CUDA_ARCH="$(CUDA_ARCH)" WB_COMMIT=$(COMMIT) ci/roster/roster.sh $(if $(JOBS),--jobs $(JOBS)) $(ROSTER_ARGS)

roster-class:
	ci/roster/make-class.sh $(if $(CLASS_EXTRA),--extra $(CLASS_EXTRA)) $(or $(CLASS),build/roster-class)

roster-slurm:
	$(if $(ROSTER),,$(error ROSTER= names a folder of submissions or a CSV of student,path))
	CUDA_ARCH="$(CUDA_ARCH)" WB_COMMIT=$(COMMIT) ci/slurm/submit.sh $(ROSTER_ARGS)
