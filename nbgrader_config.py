"""nbgrader's settings for the Blink to Backend course (read by nbgrader and by `grader`)."""

c = get_config()  # noqa: F821 - nbgrader provides get_config() when it loads this file

c.CourseDirectory.course_id = "blink-to-backend"
# The repository is the instructor's course: source notebooks live in notebooks/<assignment>/.
c.CourseDirectory.source_directory = "notebooks"
# Released student versions; `grader release --out DIR` overrides this.
c.CourseDirectory.release_directory = "release"
# The gradebook is nbgrader's default, <root>/gradebook.db, beside submitted/ and autograded/;
# `grader` points it at its --course-dir.
