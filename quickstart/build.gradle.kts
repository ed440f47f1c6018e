// The project of pom.xml beside it, for Gradle: the runtime as a dependency, the processor on the
// annotation processor path (it is isolating, so Gradle recompiles only the declarations that
// changed). Gradle is not installed where Shortcut is built, so CI builds pom.xml only;
// GradleSetupTest checks that this file asks for the same artifacts, versions and JVM flag.
plugins {
    java
}

repositories {
    mavenLocal() // while Shortcut is a snapshot: `mvn install` puts it there
    mavenCentral()
}

val shortcutVersion = "0.1.0-SNAPSHOT"

dependencies {
    implementation("dev.shortcut:shortcut-runtime:$shortcutVersion") // brings the annotations
    annotationProcessor("dev.shortcut:shortcut-processor:$shortcutVersion")
    testImplementation(platform("org.junit:junit-bom:5.14.1"))
    testImplementation("org.junit.jupiter:junit-jupiter")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

tasks.withType<JavaCompile>().configureEach {
    options.release.set(17)
}

tasks.test {
    useJUnitPlatform()
    // Only the JVM that trains needs the Vector API module: it runs the fast kernels.
    jvmArgs("--add-modules", "jdk.incubator.vector")
}
